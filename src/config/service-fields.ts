import * as z from "zod";
import { bytesSchema, durationSchema } from "./units.js";
import { environmentNameSchema, imageReferenceSchema } from "./common-schemas.js";
import { commandSchema, entrypointSchema } from "./service-command.js";
import { portsSchema } from "./service-ports.js";
import { tmpfsSchema, volumesSchema } from "./service-volumes.js";
import { envFileSchema, environmentSchema, labelsSchema } from "./service-maps.js";
import { restartSchema } from "./service-restart.js";
import { cpusSchema, deploySchema } from "./service-deploy.js";
import { dependsOnSchema, hostNameSchema, networksSchema } from "./service-networks.js";
import { hostSelectionSchema } from "./host-schema.js";
import { healthcheckSchema } from "./service-healthcheck.js";
import { healthSchema } from "./service-health.js";
import { updateSchema } from "./service-update.js";
import { refusedServiceKeys } from "./service-refused.js";
import { EXTENSION_KEY, SLIPWAY_SERVICE_KEYS } from "./compose-extension.js";

/** Every key a service may have, each in its compose (snake_case) spelling, with its forms normalized. */

export const imageSchema = imageReferenceSchema.describe(
  "The image to run: the name of an image in images:, or an external reference such as busybox:1.36 or ghcr.io/org/app:1.0.",
);

const userSchema = z
  .union([z.string().regex(/^[^\s:]+(?::[^\s:]+)?$/, "expected user, uid, user:group or uid:gid"), z.number().int().nonnegative()])
  .transform((value) => String(value))
  .describe("The user (and group) the command runs as: name, uid, name:group or uid:gid.");

const stopSignalSchema = z
  .string()
  .regex(/^(?:SIG)?[A-Z][A-Z0-9+-]*$|^\d+$/, "expected a signal such as SIGTERM, SIGQUIT or 15")
  .describe("The signal that asks the container to stop (default: the image's STOPSIGNAL, else SIGTERM).");

const environmentNamesSchema = z
  .array(environmentNameSchema)
  .min(1, "a service must deploy somewhere: list at least one environment, or remove environments: to deploy to all")
  .refine((names) => new Set(names).size === names.length, "an environment is listed twice")
  .describe("The Slipway environments this service deploys to (default: all of them).");

const slipwayKeys = SLIPWAY_SERVICE_KEYS.join(", ");
const extensionHere = `${EXTENSION_KEY} is for compose files (docker-compose ignores it); in slipway.yml write its keys (${slipwayKeys}) in the service itself`;

export const serviceFieldsSchema = z.strictObject({
  image: imageSchema,
  command: commandSchema.optional().describe("The command, replacing the image's CMD: a list, or a string split into words (never run by a shell)."),
  entrypoint: entrypointSchema.optional(),
  ports: portsSchema.default([]),
  volumes: volumesSchema.default([]),
  tmpfs: tmpfsSchema.optional(),
  environment: environmentSchema.prefault({}),
  env_file: envFileSchema.default([]),
  labels: labelsSchema.default({}),
  restart: restartSchema.optional(),
  mem_limit: bytesSchema.optional().describe("The memory limit, e.g. 512m or 1g."),
  memory: bytesSchema.optional().describe("The memory limit, e.g. 512m or 1g (same as mem_limit)."),
  cpus: cpusSchema.optional().describe("The CPU limit, e.g. 0.5 or 2."),
  user: userSchema.optional(),
  working_dir: z.string().regex(/^\//, "expected an absolute path").optional().describe("The directory the command runs in (absolute)."),
  hostname: hostNameSchema.optional().describe("The container's host name."),
  networks: networksSchema.default([]),
  healthcheck: healthcheckSchema.optional(),
  replicas: z.number().int().nonnegative().optional().describe("How many containers run (default 1; 0 stops the service)."),
  deploy: deploySchema.optional(),
  stop_grace_period: durationSchema.optional().describe("Time the container gets to stop after stop_signal before it is killed (default 10s)."),
  stop_signal: stopSignalSchema.optional(),
  init: z.boolean().default(false).describe("true: run an init process as PID 1 that forwards signals and reaps zombies."),
  read_only: z.boolean().default(false).describe("true: mount the container's root filesystem read-only."),
  environments: environmentNamesSchema.optional(),
  hosts: hostSelectionSchema
    .optional()
    .describe(
      "Of its environment's hosts, the ones this service runs on (host names or roles of hosts:); replicas: is how many run on each. Default: all of the environment's hosts.",
    ),
  depends_on: dependsOnSchema.default([]),
  health: healthSchema.optional(),
  update: updateSchema.optional(),
  [EXTENSION_KEY]: z
    .never({ error: extensionHere })
    .optional()
    .describe(`Only in a compose file, where it holds Slipway's own keys (${slipwayKeys}) so that docker-compose accepts the file (docs/compose.md).`),
  ...refusedServiceKeys,
});

export type ServiceFields = z.output<typeof serviceFieldsSchema>;
