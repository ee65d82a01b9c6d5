import { Cron, type CronOptions } from "croner";

/**
 * Cron schedules are checked by croner, the library that runs them, so what validates is
 * exactly what runs. 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds
 * first), croner's extensions (L, W, #) included, or one of the @hourly/@daily/... shorthands.
 * When croner refuses a schedule, each field is tried on its own to say which one is wrong.
 */

/** The options every schedule is parsed and run with. */
export const cronOptions = { mode: "5-or-6-parts" } as const satisfies CronOptions;

const shorthands = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

interface Field {
  readonly name: string;
  readonly range: string;
}

const second: Field = { name: "second", range: "0-59" };
const fiveFields: readonly Field[] = [
  { name: "minute", range: "0-59" },
  { name: "hour", range: "0-23" },
  { name: "day of month", range: "1-31" },
  { name: "month", range: "1-12 or jan-dec" },
  { name: "day of week", range: "0-7 or sun-sat" },
];

/** Returns what is wrong with a schedule, or undefined when croner accepts it and it runs at all. */
export function checkCron(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text.startsWith("@")) return shorthands.includes(text.toLowerCase()) ? cronerProblem(text) : `unknown shorthand ${text} (use ${shorthands.join(", ")})`;
  const parts = text.split(/\s+/);
  const fields = parts.length === 6 ? [second, ...fiveFields] : parts.length === 5 ? fiveFields : undefined;
  if (!fields) return `expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with seconds first), got ${parts.length}`;
  const problem = cronerProblem(text);
  if (problem === undefined)
    return new Cron(text, { ...cronOptions, paused: true }).nextRun() === null ? `"${text}" never runs (no date matches it)` : undefined;
  return fieldProblem(parts, fields) ?? problem;
}

/** croner's complaint about a pattern, without its prefix; undefined when it parses. */
function cronerProblem(pattern: string): string | undefined {
  try {
    new Cron(pattern, { ...cronOptions, paused: true }).stop();
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^CronPattern:\s*/, "");
  }
}

/** The first field croner refuses when every other field is `*`, described in our words. */
function fieldProblem(parts: readonly string[], fields: readonly Field[]): string | undefined {
  for (const [index, part] of parts.entries()) {
    const field = fields[index];
    if (field === undefined) continue;
    const alone = parts.map((other, at) => (at === index ? other : "*")).join(" ");
    const problem = cronerProblem(alone);
    if (problem === undefined) continue;
    if (/nth weekday/i.test(problem)) return `${field.name} field "${part}": the N of #N must be 1-5 or L`;
    if (/invalid value|out of range/i.test(problem)) return `${field.name} field "${part}" must be within ${field.range}`;
    if (/larger than to value/i.test(problem)) return `range in ${field.name} field "${part}" runs backwards`;
    if (/illegal characters/i.test(problem)) return `${field.name} field "${part}" is not a value, range, step or list`;
    if (/stepping/i.test(problem)) return `bad step in ${field.name} field "${part}" (use */N or A-B/N, N at least 1)`;
    return `${field.name} field "${part}": ${problem}`;
  }
  return undefined;
}
