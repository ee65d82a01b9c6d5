export type { ImageReference, NormalizedReference, Problem } from "./types.js";
export { parseReference, isReference } from "./parse.js";
export { normalizeReference, imageReferenceProblem, familiarName, familiarString, DEFAULT_DOMAIN, DEFAULT_TAG } from "./normalize.js";
export { formatReference, repositoryOf, withTag, withDigest } from "./format.js";
export { validateTag, validateDigest, validateRepositoryName } from "./validate.js";
export { checkImageReference } from "./check.js";
export {
  parseDockerHost,
  dockerHostProblem,
  addressFromEnvironment,
  DEFAULT_SOCKET,
  type EngineEndpoint,
  type EngineAddress,
  type EngineTls,
} from "./docker-host.js";
