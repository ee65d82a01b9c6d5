import type { NotifyEventPayload, NotifyOutcome } from "./types.js";

const MARKS: Record<NotifyOutcome, string> = {
  succeeded: "✅",
  failed: "❌",
  "rolled-back": "↩️",
  available: "🆕",
  started: "▶️",
  cancelled: "⏹️",
  skipped: "⏭️",
  waiting: "⏸️",
};

const MAX_FACTS = 10;
const MAX_VALUE_LENGTH = 200;

/** The detail entries that are a deployment's release notes, shown as a list rather than as facts. */
const CHANGE_KEYS = ["changes", "moreChanges"];

/**
 * The event as a few lines a person reads in a chat: a mark and the title, then what it is
 * about (event, subject, environment, outcome), then the detail facts, then the commits a
 * deployment brings (its release notes), then the link.
 */
export function eventLines(event: NotifyEventPayload): string[] {
  const about = [event.event, event.subject, event.environment, event.outcome].filter((part) => part !== undefined);
  const lines = [`${MARKS[event.outcome]} ${event.title}`, about.join(" · ")];
  const shown = isChangeList(event.detail) ? Object.fromEntries(Object.entries(event.detail).filter(([key]) => !CHANGE_KEYS.includes(key))) : event.detail;
  const facts = detailFacts(shown);
  if (facts.length > 0) lines.push(facts.join(" · "));
  lines.push(...changeLines(event.detail));
  if (event.url !== undefined) lines.push(event.url);
  return lines;
}

/** `detail.changes` (commit subjects, newest first) and `detail.moreChanges` as a list: "Changes:", then "• subject" each. */
export function changeLines(detail: Readonly<Record<string, unknown>>): string[] {
  if (!isChangeList(detail) || detail.changes.length === 0) return [];
  const more = typeof detail.moreChanges === "number" && detail.moreChanges > 0 ? [`• and ${detail.moreChanges} more`] : [];
  return ["Changes:", ...detail.changes.map((change) => `• ${factValue(change)}`), ...more];
}

function isChangeList(detail: Readonly<Record<string, unknown>>): detail is Readonly<Record<string, unknown>> & { readonly changes: readonly string[] } {
  const { changes } = detail;
  return Array.isArray(changes) && changes.every((change) => typeof change === "string");
}

/** `key: value` for each detail entry, values on one line and shortened; at most ten. */
export function detailFacts(detail: Readonly<Record<string, unknown>>): string[] {
  const entries = Object.entries(detail).filter(([, value]) => value !== undefined);
  const shown = entries.slice(0, MAX_FACTS).map(([key, value]) => `${key}: ${factValue(value)}`);
  if (entries.length > MAX_FACTS) shown.push(`(${entries.length - MAX_FACTS} more)`);
  return shown;
}

function factValue(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_VALUE_LENGTH ? `${line.slice(0, MAX_VALUE_LENGTH - 1)}…` : line;
}
