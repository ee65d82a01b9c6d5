import type { NotifyEventInput, NotifyEventPayload } from "./types.js";

/** The event as every notifier sends it: the title on one line, `at` as ISO 8601 (default now). */
export function eventPayload(input: NotifyEventInput, now: Date = new Date()): NotifyEventPayload {
  return {
    event: input.event,
    title: oneLine(input.title),
    subject: input.subject,
    ...(input.environment === undefined ? {} : { environment: input.environment }),
    outcome: input.outcome,
    detail: input.detail ?? {},
    ...(input.url === undefined ? {} : { url: input.url }),
    at: (input.at ?? now).toISOString(),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}
