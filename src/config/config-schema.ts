import * as z from "zod";
import { Secret } from "../util/secret.js";
import { nameSchema } from "./common-schemas.js";
import { controllerSchema } from "./controller-schema.js";
import { environmentSchema, fileListSchema } from "./environment-schema.js";
import { hostSchema } from "./host-schema.js";
import { imageSchema } from "./image-schema.js";
import { jobSchema } from "./job-schema.js";
import { notifySchema } from "./notify-schema.js";
import { registrySchema } from "./registry-schema.js";
import { serviceSchema } from "./service-schema.js";
import { sourceSchema } from "./source-schema.js";

const storeSchema = z
  .strictObject({
    url: z
      .string()
      .regex(/^postgres(?:ql)?:\/\/\S+$/, "expected a postgres:// URL")
      .refine(
        (url) => URL.canParse(url),
        "expected a valid URL: postgres://USER:PASSWORD@HOST:PORT/DATABASE, with any @ : / or % in the password percent-encoded",
      )
      .transform((url) => new Secret(url))
      .describe(
        "A PostgreSQL URL (postgres://user:${PASSWORD}@host/db), for several controllers sharing state (docs/ha.md). SLIPWAY_STORE overrides it. Never shown: messages and doctor print it with the password hidden.",
      ),
  })
  .describe("Where Slipway records builds and deployments. Default: embedded SQLite in state_dir.");

const proxySchema = z
  .strictObject({
    admin: z
      .string()
      .regex(/^https?:\/\/\S+$/, "expected the admin API's URL, e.g. http://127.0.0.1:2019")
      .optional()
      .describe(
        "The admin API of a Caddy you run (e.g. http://127.0.0.1:2019); Slipway adds its routes there. Default: Slipway starts its own Caddy. SLIPWAY_PROXY_ADMIN overrides it.",
      ),
  })
  .describe("The reverse proxy in front of services that publish ports: Caddy, driven through its admin API.");

/** The whole of slipway.yml. Every mapping is strict: an unknown key is an error. */
export const configSchema = z
  .strictObject({
    version: z.literal(1, { error: "expected 1 (the only config version)" }).optional().describe("The config format version; only 1 exists."),
    registry: registrySchema.optional(),
    state_dir: z
      .string()
      .min(1)
      .optional()
      .describe("Where Slipway keeps its store and caches, relative to this file's directory. Default: $SLIPWAY_STATE_DIR or ~/.local/state/slipway."),
    store: storeSchema.optional(),
    proxy: proxySchema.optional(),
    sources: z.record(nameSchema, sourceSchema).default({}).describe("Git repositories by name."),
    images: z.record(nameSchema, imageSchema).default({}).describe("Images to build, by name (the name is also the repository name)."),
    hosts: z.record(nameSchema, hostSchema).default({}).describe("Docker engines that environments and services are placed on, by name (docs/hosts.md)."),
    environments: z.record(nameSchema, environmentSchema).default({}).describe("Deployment targets by name."),
    services: z.record(nameSchema, serviceSchema).default({}).describe("Services to run, by name."),
    compose: fileListSchema
      .optional()
      .describe("docker-compose files whose services are added to services:, relative to this file's directory (docs/compose.md)."),
    jobs: z.record(nameSchema, jobSchema).default({}).describe("Scheduled jobs by name."),
    notify: z.array(notifySchema).default([]).describe("Where to send notifications."),
    controller: controllerSchema.optional(),
  })
  .describe("Slipway's config: slipway.yml in the app's repository.");

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
