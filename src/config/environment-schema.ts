import { z } from "zod";
import { branchSchema } from "./common-schemas.js";
import { markedEnvSchema } from "./secret-env.js";

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
    docker_host: z
      .string()
      .regex(/^(?:unix|tcp|ssh|npipe):\/\/\S+$/, "expected a Docker host URL: unix://, tcp:// or ssh://")
      .optional()
      .describe(
        "The Docker engine of this environment: unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host. Default: DOCKER_HOST or the local socket.",
      ),
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
