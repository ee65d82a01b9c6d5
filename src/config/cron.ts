/**
 * A syntactic check of cron schedules: 5 fields (minute hour day-of-month month day-of-week)
 * or 6 (seconds first), each `*`, a value, a range, a step or a list of these; or one of the
 * @hourly/@daily/... shorthands. Returns what is wrong, or undefined when it is well-formed.
 */
const shorthands = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** The value of names[0]: months count from 1, days from 0. */
  readonly namesFrom?: number;
}

const second: Field = { name: "second", min: 0, max: 59 };
const fiveFields: readonly Field[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: months, namesFrom: 1 },
  { name: "day of week", min: 0, max: 7, names: days, namesFrom: 0 },
];

export function checkCron(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text.startsWith("@")) return shorthands.has(text) ? undefined : `unknown shorthand ${text} (use ${[...shorthands].join(", ")})`;
  const parts = text.split(/\s+/);
  const fields = parts.length === 6 ? [second, ...fiveFields] : parts.length === 5 ? fiveFields : undefined;
  if (!fields) return `expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with seconds first), got ${parts.length}`;
  for (const [index, part] of parts.entries()) {
    const field = fields[index];
    if (!field) continue;
    const problem = checkField(part, field);
    if (problem) return problem;
  }
  return undefined;
}

function checkField(text: string, field: Field): string | undefined {
  for (const item of text.split(",")) {
    const [range = "", step, extra] = item.split("/");
    if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `bad step in ${field.name} field "${text}"`;
    if (range === "*" || range === "?") continue;
    const ends = range.split("-");
    if (ends.length > 2) return `bad range in ${field.name} field "${text}"`;
    const values = ends.map((end) => valueOf(end, field));
    if (values.some((value) => value === undefined)) return `${field.name} field "${text}" must be within ${field.min}-${field.max}`;
    const [low = 0, high = low] = values as number[];
    if (low > high) return `range ${range} in ${field.name} field runs backwards`;
  }
  return undefined;
}

function valueOf(text: string, field: Field): number | undefined {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    return value >= field.min && value <= field.max ? value : undefined;
  }
  const index = field.names?.indexOf(text.toLowerCase()) ?? -1;
  return index >= 0 ? index + (field.namesFrom ?? 0) : undefined;
}
