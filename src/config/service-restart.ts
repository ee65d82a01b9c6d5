import * as z from "zod";

/** What the engine does when the container stops by itself. */
export interface RestartPolicy {
  readonly policy: "no" | "always" | "on-failure" | "unless-stopped";
  /** on-failure only: give up after this many restarts; absent: never give up. */
  readonly maxRetries?: number;
}

export const DEFAULT_RESTART: RestartPolicy = { policy: "unless-stopped" };

const RESTART_FORM = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/;
const HINT = 'expected "no", always, unless-stopped, on-failure or on-failure:N (N restarts at most)';

/** Parses "no", "always", "unless-stopped", "on-failure", "on-failure:3". */
export function parseRestart(text: string): RestartPolicy | undefined {
  const match = RESTART_FORM.exec(text.trim());
  if (!match) return undefined;
  const policy = match[1] as RestartPolicy["policy"];
  if (match[2] === undefined) return { policy };
  return policy === "on-failure" ? { policy, maxRetries: Number(match[2]) } : undefined;
}

export const restartSchema = z
  .union([z.string(), z.literal(false)], { error: HINT })
  .transform((value, ctx): RestartPolicy => {
    const parsed = value === false ? { policy: "no" as const } : parseRestart(value);
    if (parsed) return parsed;
    ctx.addIssue({ code: "custom", message: `"${String(value)}" is not a restart policy: ${HINT}`, input: value, continue: true });
    return DEFAULT_RESTART;
  })
  .describe('What the engine does when the container exits: "no", always, unless-stopped (the default), on-failure, or on-failure:N. ' + 'Quote "no" in YAML.');
