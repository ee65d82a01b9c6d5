import { SlipwayError } from "../errors/index.js";
import type { Problem } from "./types.js";

const SHOWN_MAX_LENGTH = 200;

/** The text as a quoted string with control characters escaped, cut short when very long. */
export function quote(text: string): string {
  if (text.length <= SHOWN_MAX_LENGTH) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, SHOWN_MAX_LENGTH))}… (${text.length} characters)`;
}

/** kind: what the text was meant to be ("image reference", "tag", "digest", "repository name"). */
export function invalidReference(text: string, kind: string, problem: Problem): SlipwayError {
  return new SlipwayError("REFERENCE_INVALID", `${quote(text)} is not a valid ${kind}: ${problem.what}`, {
    hint: problem.hint,
  });
}
