const REDACTED = "[redacted]";
/** Shorter values would redact ordinary words and numbers. */
const MIN_SECRET_LENGTH = 4;

export interface StreamRedactor {
  /** Text safe to write now; a tail that may be the start of a secret is held back. */
  push(text: string): string;
  /** What is still held back, redacted. */
  flush(): string;
}

/**
 * Redacts known secret values from text that arrives in chunks, where a value may be split
 * across two chunks. Only a tail that could begin a secret is held back, so output is not
 * delayed otherwise.
 */
export function createStreamRedactor(values: readonly string[]): StreamRedactor {
  const secrets = [...new Set(values.filter((value) => value.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  let pending = "";
  const redact = (text: string): string => secrets.reduce((out, secret) => (out.includes(secret) ? out.split(secret).join(REDACTED) : out), text);
  return {
    push(text) {
      if (secrets.length === 0) return text;
      const whole = redact(pending + text);
      const hold = heldTail(whole, secrets);
      pending = whole.slice(whole.length - hold);
      return whole.slice(0, whole.length - hold);
    },
    flush() {
      const rest = redact(pending);
      pending = "";
      return rest;
    },
  };
}

/** The length of the longest tail of `text` that is a proper start of some secret. */
function heldTail(text: string, secrets: readonly string[]): number {
  let longest = 0;
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length > longest; length -= 1) {
      if (secret.startsWith(text.slice(text.length - length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}
