import * as z from "zod";
import { durationSchema } from "./units.js";

/**
 * The container's own health check (compose's `healthcheck:`), run by the engine inside the
 * container. Durations are milliseconds.
 */
export interface ContainerHealthcheck {
  /** ["CMD", prog, ...args], ["CMD-SHELL", "a shell command"] or ["NONE"] (disabled); absent: the image's. */
  readonly test?: readonly string[];
  readonly interval?: number;
  readonly timeout?: number;
  readonly startPeriod?: number;
  readonly startInterval?: number;
  readonly retries?: number;
}

const TEST_HINT = 'expected ["CMD", "prog", "arg"...], ["CMD-SHELL", "command"], ["NONE"], or a string (run by the container\'s shell)';

function normalizeTest(test: string | readonly string[], ctx: z.core.$RefinementCtx<unknown>): readonly string[] | undefined {
  if (typeof test === "string") return test.trim() === "" ? undefined : ["CMD-SHELL", test];
  const [kind, ...rest] = test;
  const issue = (message: string): undefined => {
    ctx.addIssue({ code: "custom", message, path: ["test"], input: test, continue: true });
    return undefined;
  };
  if (kind === "NONE") return rest.length === 0 ? ["NONE"] : issue('["NONE"] takes nothing after NONE');
  if (kind === "CMD") return rest.length > 0 ? ["CMD", ...rest] : issue('["CMD", ...] needs the program to run after CMD');
  if (kind === "CMD-SHELL") return rest.length === 1 ? ["CMD-SHELL", ...rest] : issue('["CMD-SHELL", "command"] takes exactly one command string');
  return issue(`the test list must start with CMD, CMD-SHELL or NONE, not ${JSON.stringify(kind ?? "nothing")}: ${TEST_HINT}`);
}

export const healthcheckSchema = z
  .strictObject({
    test: z
      .union([z.string(), z.array(z.string()).min(1)], { error: TEST_HINT })
      .optional()
      .describe('The check: ["CMD", "prog", "arg"...], ["CMD-SHELL", "command"], ["NONE"], or a string run by the container\'s shell.'),
    interval: durationSchema.optional().describe("Time between checks (e.g. 30s)."),
    timeout: durationSchema.optional().describe("Time a check may take before it counts as failed."),
    retries: z.number().int().nonnegative().optional().describe("Consecutive failures before the container is unhealthy."),
    start_period: durationSchema.optional().describe("Time after start during which failures do not count."),
    start_interval: durationSchema.optional().describe("Time between checks during the start period."),
    disable: z.boolean().default(false).describe("true: disable the image's health check (same as test: [NONE])."),
  })
  .transform((value, ctx): ContainerHealthcheck => {
    const test = value.disable ? ["NONE"] : value.test === undefined ? undefined : normalizeTest(value.test, ctx);
    const check: {
      test?: readonly string[];
      interval?: number;
      timeout?: number;
      startPeriod?: number;
      startInterval?: number;
      retries?: number;
    } = {};
    if (test !== undefined) check.test = test;
    if (value.interval !== undefined) check.interval = value.interval;
    if (value.timeout !== undefined) check.timeout = value.timeout;
    if (value.start_period !== undefined) check.startPeriod = value.start_period;
    if (value.start_interval !== undefined) check.startInterval = value.start_interval;
    if (value.retries !== undefined) check.retries = value.retries;
    return check;
  })
  .describe("The container's own health check, as in compose; the engine runs it inside the container.");

/** Whether a healthcheck leaves the container with a check (not disabled). */
export function hasContainerCheck(check: ContainerHealthcheck | undefined): boolean {
  return check !== undefined && !(check.test?.[0] === "NONE");
}
