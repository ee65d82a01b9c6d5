import { inspect } from "node:util";

const REDACTED = "[redacted]";
const known = new Set<string>();

/**
 * A value that must never reach a log, the store in clear, or an error message.
 * It prints as [redacted] through String(), JSON.stringify and util.inspect; only
 * reveal() gives the value, at the one place that sends it where it belongs.
 * Every revealed value is also remembered so redactText() can scrub it from text
 * that came back from elsewhere (a child process's stderr, an HTTP error body).
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    if (value.length >= 4) known.add(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Replaces every known secret value in a text with [redacted]. */
export function redactText(text: string): string {
  let out = text;
  for (const value of known) {
    if (out.includes(value)) out = out.split(value).join(REDACTED);
  }
  return out;
}
