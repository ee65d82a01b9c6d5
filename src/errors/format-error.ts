import { SlipwayError } from "./slipway-error.js";
import { redactText } from "../util/secret.js";

/**
 * Renders any thrown value as the text a person reads: one message, details, a hint. Every
 * part is redacted, then has its control characters escaped, so what a user wrote (a name
 * with a newline, an escape sequence) prints as one visible line and cannot fake another.
 */
export function formatError(error: unknown, options: { debug: boolean }): string {
  const known = error instanceof SlipwayError ? error : undefined;
  const lines: string[] = [];
  if (known) {
    lines.push(`error[${known.code}]: ${shown(known.message)}`);
    for (const detail of known.details) lines.push(`  ${shown(detail)}`);
    if (known.hint) lines.push(`hint: ${shown(known.hint)}`);
    if (known.who === "upstream") lines.push("This is a problem on the remote side: retrying later may help.");
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`error[INTERNAL]: ${shown(message)}`);
    if (!options.debug) lines.push("hint: this is a bug in Slipway; run again with --debug and report the output.");
  }
  if (options.debug && error instanceof Error && error.stack) lines.push("", redactText(error.stack));
  return lines.join("\n");
}

export function exitCodeOf(error: unknown): number {
  return error instanceof SlipwayError ? error.exitCode : 70;
}

// C0 controls but tab, DEL, C1 controls, the Unicode line and paragraph separators, and the
// bidirectional overrides and isolates (which can make a line read other than it is).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r" };

/** `text` with each control character written as an escape: a newline as \n, ESC as \x1b, U+2028 as \u2028. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    return NAMED[char] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
  });
}

function shown(text: string): string {
  return escapeControl(redactText(text));
}
