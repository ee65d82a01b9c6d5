import * as z from "zod";
import { argvSchema, nameSchema } from "./common-schemas.js";
import { markedEnvSchema } from "./secret-env.js";
import { checkCron } from "./cron.js";
import { bytesSchema, durationSchema } from "./units.js";

/** The issue's default: 1 MB per log file, 30 files kept (at most 30 MB per job). */
export const DEFAULT_LOG_MAX_SIZE = 1024 * 1024;
export const DEFAULT_LOG_FILES = 30;

const scheduleSchema = z
  .string({ error: 'expected a cron schedule, e.g. "0 * * * *"' })
  .superRefine((value, ctx) => {
    const problem = checkCron(value);
    if (problem) ctx.addIssue({ code: "custom", message: `expected a cron schedule: ${problem}` });
  })
  .describe('When to run: a cron schedule ("0 * * * *"; 6 fields for seconds first; croner\'s L, W and # too) or @hourly, @daily, @weekly, @monthly.');

const logSchema = z
  .strictObject({
    max_size: bytesSchema.default(DEFAULT_LOG_MAX_SIZE).describe("Rotate the log before it passes this size, e.g. 512k or 10MB. Default: 1MB."),
    files: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_LOG_FILES)
      .describe("How many log files to keep, the current one included (NAME.log, NAME.log.1 … NAME.log.N-1); the oldest is dropped. Default: 30."),
  })
  .describe("Where each run's output goes: rotated log files.");

/** jobs.<name>: a scheduled batch command run in the newest image. */
export const jobSchema = z
  .strictObject({
    image: nameSchema.describe("The image (of this file) the job runs in; its newest build is used."),
    schedule: scheduleSchema,
    command: argvSchema.describe("The command, as a list of arguments."),
    env: markedEnvSchema(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "expected a variable name of letters, digits and `_`"))
      .optional()
      .describe("Environment variables: NAME: value, or NAME: { value, secret: true } for a secret one."),
    timeout: durationSchema.optional().describe("Stop a run after this long, e.g. 1h. Default: no limit."),
    overlap: z.enum(["skip", "queue"]).default("skip").describe("When a run is due while the last still runs: skip it (default) or queue it."),
    environment: nameSchema.optional().describe("The environment whose variables and Docker host the job uses."),
    log: logSchema.default({ max_size: DEFAULT_LOG_MAX_SIZE, files: DEFAULT_LOG_FILES }),
  })
  .transform(({ env, ...rest }) => ({
    ...rest,
    ...(env === undefined ? {} : { env: env.values }),
    /** The variables of env: marked `secret: true`. */
    secretEnv: env?.secret ?? [],
  }))
  .describe("A scheduled batch command.");

export type JobConfig = z.output<typeof jobSchema>;
