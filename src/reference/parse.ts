import { invalidReference } from "./reference-error.js";
import { readReference } from "./read-reference.js";
import type { ImageReference } from "./types.js";

/**
 * Parses an image reference exactly as the distribution grammar reads it, without filling
 * in Docker Hub defaults (normalizeReference does that). Throws REFERENCE_INVALID naming
 * the part that is wrong.
 */
export function parseReference(text: string): ImageReference {
  const reading = readReference(text);
  if (!reading.ok) throw invalidReference(String(text), "image reference", reading.problem);
  return reading.value;
}

export function isReference(text: string): boolean {
  return readReference(text).ok;
}
