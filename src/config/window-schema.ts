import * as z from "zod";
import { checkCron } from "./cron.js";
import { durationSchema } from "./units.js";

/** A maintenance window as written: `{ allow: CRON, duration: 2h, timezone: Europe/Berlin }` or `{ deny: … }`. */
export interface WindowConfig {
  readonly kind: "allow" | "deny";
  readonly schedule: string;
  readonly durationMs: number;
  readonly timezone?: string;
}

const scheduleSchema = z.string().superRefine((schedule, context) => {
  const problem = checkCron(schedule);
  if (problem !== undefined) context.addIssue({ code: "custom", message: `not a cron schedule: ${problem}` });
});

/** An IANA time zone name the platform knows, e.g. Europe/Berlin. */
export function timezoneProblem(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return undefined;
  } catch {
    return `"${zone}" is not a time zone this machine knows (use an IANA name such as Europe/Berlin, America/New_York or UTC)`;
  }
}

const timezoneSchema = z.string().superRefine((zone, context) => {
  const problem = timezoneProblem(zone);
  if (problem !== undefined) context.addIssue({ code: "custom", message: problem });
});

const windowSchema = z
  .strictObject({
    allow: scheduleSchema.optional().describe("A cron schedule at which a window opens in which deploys may run."),
    deny: scheduleSchema.optional().describe("A cron schedule at which a window opens in which deploys may not run (deny beats allow)."),
    duration: durationSchema.refine((ms) => ms > 0, "a window must last longer than 0").describe("How long each window stays open, e.g. 2h."),
    timezone: timezoneSchema.optional().describe("The time zone the schedule is read in, e.g. Europe/Berlin (default UTC)."),
  })
  .superRefine((value, context) => {
    if ((value.allow === undefined) === (value.deny === undefined))
      context.addIssue({ code: "custom", message: "a window is either allow: CRON or deny: CRON, with a duration" });
  })
  .transform((value): WindowConfig => ({
    kind: value.allow === undefined ? "deny" : "allow",
    schedule: value.allow ?? value.deny ?? "",
    durationMs: value.duration,
    ...(value.timezone === undefined ? {} : { timezone: value.timezone }),
  }));

export const windowsSchema = z.array(windowSchema);
