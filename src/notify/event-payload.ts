import { redactText, Secret } from "../util/secret.js";
import type { NotifyEventInput, NotifyEventPayload } from "./types.js";

const MAX_DEPTH = 6;

/**
 * The event as every notifier sends it: the title on one line, `at` as ISO 8601 (default
 * now), and every text scrubbed of known secret values (an error message that quotes one).
 */
export function eventPayload(input: NotifyEventInput, now: Date = new Date()): NotifyEventPayload {
  return {
    event: input.event,
    title: redactText(oneLine(input.title)),
    subject: redactText(input.subject),
    ...(input.environment === undefined ? {} : { environment: input.environment }),
    outcome: input.outcome,
    detail: plainDetail(input.detail ?? {}),
    ...(input.url === undefined ? {} : { url: redactText(input.url) }),
    at: (input.at ?? now).toISOString(),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

function plainDetail(detail: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return plainObject(detail, 0);
}

function plainObject(value: object, depth: number): Record<string, unknown> {
  const entries = Object.entries(value).map(([key, item]) => [key, plainValue(item, depth + 1)] as const);
  return Object.fromEntries(entries.filter(([, item]) => item !== undefined));
}

/** JSON-ready data: strings redacted, Dates as ISO, Secrets as [redacted], functions dropped. */
function plainValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactText(value);
  if (value instanceof Secret) return String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return redactText(value.message);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (Array.isArray(value)) return value.map((item: unknown) => plainValue(item, depth + 1));
  return plainObject(value, depth);
}
