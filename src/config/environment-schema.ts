import * as z from "zod";
import { branchSchema } from "./common-schemas.js";
import { dockerHostSchema, engineFields, engineTlsProblem } from "./engine-fields.js";
import { hostSelectionSchema } from "./host-schema.js";
import { markedEnvSchema } from "./secret-env.js";
import { durationSchema } from "./units.js";
import { windowsSchema } from "./window-schema.js";

/** environments.<name>.approvals: a number, or { required, deadline }. */
const approvalsSchema = z
  .union(
    [
      z.number().int().min(1, "at least 1 approval (leave approvals out for none)").max(20),
      z.strictObject({
        required: z
          .number()
          .int()
          .min(1, "at least 1 approval (leave approvals out for none)")
          .max(20)
          .describe("Approvals from distinct people (not the requester) a deploy waits for."),
        deadline: durationSchema
          .refine((ms) => ms > 0, "a deadline must be longer than 0")
          .optional()
          .describe("A request not approved this long after it was made lapses (expired), e.g. 24h. Default: it waits until approved or rejected."),
      }),
    ],
    { error: "expected a number of approvals (e.g. 2) or { required: 2, deadline: 24h }" },
  )
  .transform((value) =>
    typeof value === "number" ? { required: value } : { required: value.required, ...(value.deadline === undefined ? {} : { deadlineMs: value.deadline }) },
  );

const fileListSchema = z
  .union([z.string().min(1), z.array(z.string().min(1))], { error: "expected a file name or a list of file names" })
  .transform((value) => (typeof value === "string" ? [value] : value));

/** environments.<name>: a named target bound to branches, variables and a Docker host. */
export const environmentSchema = z
  .strictObject({
    branches: z.array(branchSchema).optional().describe("Pushes to these branches deploy to this environment."),
    variables: markedEnvSchema(z.string().min(1, "expected a non-empty key"))
      .optional()
      .describe("Variables given to every service and job in this environment: NAME: value, or NAME: { value, secret: true }."),
    env_file: fileListSchema.optional().describe(".env files read for this environment, relative to this file's directory."),
    docker_host: dockerHostSchema
      .optional()
      .describe(
        "The Docker engine of this environment's services: unix:///path/docker.sock, tcp://host:2375, tcp://host:2376 with TLS, or ssh://user@host (through your ssh, which runs `docker system dial-stdio` there). Default: DOCKER_HOST or the local socket. On a tcp:// or ssh:// host the services' ports listen on that host, behind the proxy Slipway runs there (docs/hosts.md).",
      ),
    ...engineFields,
    hosts: hostSelectionSchema
      .optional()
      .describe(
        "Run this environment's services on these hosts (names or roles of hosts:), in this order: each host runs every replica of a service, and a deploy goes host by host (docs/hosts.md). Instead of docker_host.",
      ),
    approvals: approvalsSchema
      .optional()
      .describe(
        "Every deploy to this environment (slipway deploy, promote, a pipeline, an auto-update) waits for this many approvals from distinct people " +
          "(slipway approve ID; the requester's own does not count): a number, or { required: 2, deadline: 24h }. Rollbacks and down are never held.",
      ),
    windows: windowsSchema
      .optional()
      .describe(
        "Maintenance windows: [{ allow: CRON, duration: 2h, timezone: Europe/Berlin }, { deny: CRON, duration: 48h }]. A deploy outside the allow windows " +
          "(when there are any) or inside a deny window waits, queued, and runs when they open; deny beats allow; slipway deploy --urgent REASON passes them.",
      ),
  })
  .superRefine((environment, context) => {
    const tls = engineTlsProblem(environment);
    if (tls !== undefined) context.addIssue({ code: "custom", path: ["docker_host"], message: tls });
    if (environment.hosts !== undefined) {
      for (const key of ["docker_host", "docker_tls_verify", "docker_cert_path", "address"] as const) {
        if (environment[key] !== undefined)
          context.addIssue({
            code: "custom",
            path: [key],
            message: `an environment runs on its hosts: or on its docker_host, not both: give the hosts their own ${key} under hosts:`,
          });
      }
    }
  })
  .transform(({ variables, ...rest }) => ({
    ...rest,
    ...(variables === undefined ? {} : { variables: variables.values }),
    /** The variables marked `secret: true`. */
    secretVariables: variables?.secret ?? [],
  }))
  .describe("A deployment target, e.g. prod or test1.");

export type EnvironmentConfig = z.output<typeof environmentSchema>;

export { fileListSchema };
