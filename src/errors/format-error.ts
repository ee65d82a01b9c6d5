import { SlipwayError } from "./slipway-error.js";
import { redactText } from "../util/secret.js";

/** Renders any thrown value as the text a person reads: one message, details, a hint. */
export function formatError(error: unknown, options: { debug: boolean }): string {
  const known = error instanceof SlipwayError ? error : undefined;
  const lines: string[] = [];
  if (known) {
    lines.push(`error[${known.code}]: ${known.message}`);
    for (const detail of known.details) lines.push(`  ${detail}`);
    if (known.hint) lines.push(`hint: ${known.hint}`);
    if (known.who === "upstream") lines.push("This is a problem on the remote side: retrying later may help.");
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`error[INTERNAL]: ${message}`);
    if (!options.debug) lines.push("hint: this is a bug in Slipway; run again with --debug and report the output.");
  }
  if (options.debug && error instanceof Error && error.stack) lines.push("", error.stack);
  return redactText(lines.join("\n"));
}

export function exitCodeOf(error: unknown): number {
  return error instanceof SlipwayError ? error.exitCode : 70;
}
