import { isReference } from "../reference/index.js";
import type { ImageHint } from "./types.js";

/**
 * An image hint from what a sender says, or a note when it is not a valid reference: a
 * repository (host/path or a Docker Hub name) with an optional tag and digest.
 */
export function imageHint(repository: string, tag?: string, digest?: string): ImageHint | string {
  const text = `${repository}${tag === undefined ? "" : `:${tag}`}${digest === undefined ? "" : `@${digest}`}`;
  if (!isReference(text)) return `"${text.slice(0, 200)}" is not a valid image reference`;
  return { kind: "image", repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}
