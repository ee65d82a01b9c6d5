import { z } from "zod";
import { argvSchema, envSchema, nameSchema } from "./common-schemas.js";
import { checkCron } from "./cron.js";
import { bytesSchema, durationSchema } from "./units.js";

const scheduleSchema = z
  .string({ error: 'expected a cron schedule, e.g. "0 * * * *"' })
  .superRefine((value, ctx) => {
    const problem = checkCron(value);
    if (problem) ctx.addIssue({ code: "custom", message: `expected a cron schedule: ${problem}` });
  })
  .describe('When to run: a cron schedule ("0 * * * *", 6 fields for seconds) or @hourly, @daily, @weekly, @monthly.');

const logSchema = z
  .strictObject({
    max_size: bytesSchema.default(10 * 1024 * 1024).describe("Rotate the log when it reaches this size, e.g. 1MB. Default: 10m."),
    files: z.number().int().min(1).default(10).describe("How many rotated logs to keep. Default: 10."),
  })
  .describe("Where each run's output goes: rotated log files.");

/** jobs.<name>: a scheduled batch command run in the newest image. */
export const jobSchema = z
  .strictObject({
    image: nameSchema.describe("The image (of this file) the job runs in; its newest build is used."),
    schedule: scheduleSchema,
    command: argvSchema.describe("The command, as a list of arguments."),
    env: envSchema.optional(),
    timeout: durationSchema.optional().describe("Stop a run after this long, e.g. 1h. Default: no limit."),
    overlap: z.enum(["skip", "queue"]).default("skip").describe("When a run is due while the last still runs: skip it (default) or queue it."),
    environment: nameSchema.optional().describe("The environment whose variables and Docker host the job uses."),
    log: logSchema.default({ max_size: 10 * 1024 * 1024, files: 10 }),
  })
  .describe("A scheduled batch command.");

export type JobConfig = z.output<typeof jobSchema>;
