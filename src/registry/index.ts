export { createRegistryClient, type RegistryClient, type RegistryClientOptions } from "./client.js";
export type { ListTagsOptions } from "./tags.js";
export type { PageOptions } from "./pager.js";
export type { ImageConfigOptions } from "./config-blob.js";
export type { ImageConfig } from "./image-config.js";
export { choosePlatform, hostPlatform, type Descriptor, type Manifest, type ManifestBody, type Platform } from "./manifest.js";
export { MEDIA_TYPES, MANIFEST_ACCEPT } from "./media-types.js";
export type { RequestStats, FetchFunction } from "./transport.js";
export { parseRateLimit, parseRetryAfter, type RateLimit } from "./rate-limit.js";
export { parseWwwAuthenticate, type AuthChallenge } from "./auth-challenge.js";
export { parseNextLink } from "./link-header.js";
export { resolveCredentials, runCredentialHelper, SLIPWAY_CONFIG_SOURCE, type ResolveCredentialsOptions } from "./credential-helper.js";
export { IDENTITY_TOKEN_USERNAME, type RegistryCredentials, type ResolvedCredentials } from "./credentials.js";
export { dockerConfigPath, readDockerConfig, type DockerConfig } from "./docker-config.js";
export {
  checkDigest,
  checkManifestReference,
  checkRegistryHost,
  checkRepositoryName,
  checkTag,
  isDigest,
  isRegistryHost,
  isRepositoryName,
  isTag,
} from "./names.js";
export { DOCKER_HUB, apiHost, apiRepository, credentialServerUrl, isDockerHub, isLoopback, normalizeRegistryHost, registryBaseUrl } from "./registry-host.js";
