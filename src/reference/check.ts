import { imageReferenceProblem } from "./normalize.js";
import { invalidReference } from "./reference-error.js";

/** Returns text when it is an image reference Docker pulls and runs (imageReferenceProblem); throws REFERENCE_INVALID otherwise. */
export function checkImageReference(text: string): string {
  const problem = imageReferenceProblem(text);
  if (problem) throw invalidReference(String(text), "image reference", problem);
  return text;
}
