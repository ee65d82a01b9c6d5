export type { ImageReference, NormalizedReference } from "./types.js";
export { parseReference, isReference } from "./parse.js";
export { normalizeReference, familiarName, familiarString, DEFAULT_DOMAIN, DEFAULT_TAG } from "./normalize.js";
export { formatReference, repositoryOf, withTag, withDigest } from "./format.js";
export { validateTag, validateDigest, validateRepositoryName } from "./validate.js";
