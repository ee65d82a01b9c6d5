import { NAME_PATTERN } from "./names.js";

/** Where an image's build context is: a directory in a source, or a directory on this machine. */
export type ImageContext =
  | { readonly kind: "source"; readonly source: string; /** "" for the source's root. */ readonly path: string }
  | { readonly kind: "local"; /** As written until the loader resolves it against the config's directory. */ readonly dir: string };

/**
 * "my-docker:base" -> a directory in a source ("my-docker:" and "my-docker:." are its root);
 * "./docker/base", "../x", "/abs", "." -> a local directory. Returns what is wrong as text.
 */
export function parseContext(text: string): ImageContext | string {
  if (text === "." || text === ".." || text.startsWith("./") || text.startsWith("../") || text.startsWith("/")) {
    return { kind: "local", dir: text };
  }
  const colon = text.indexOf(":");
  if (colon < 0) return `expected source:path (e.g. my-docker:base) or a local directory starting with ./ or /, got "${text}"`;
  const source = text.slice(0, colon);
  if (!NAME_PATTERN.test(source)) return `"${source}" before the colon is not a source name`;
  const path = text
    .slice(colon + 1)
    .replace(/^\.\/?/, "")
    .replace(/\/+$/, "");
  if (path.startsWith("/") || path.split("/").includes("..")) return `the path "${text.slice(colon + 1)}" must stay inside the source (no leading / or ..)`;
  return { kind: "source", source, path };
}
