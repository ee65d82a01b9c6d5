import { Authenticator } from "./authenticator.js";
import { getImageConfig, type ImageConfigOptions } from "./config-blob.js";
import { apiUrl, send, type RegistryContext } from "./context.js";
import { resolveCredentials } from "./credential-helper.js";
import type { RegistryCredentials } from "./credentials.js";
import type { ImageConfig } from "./image-config.js";
import type { Manifest } from "./manifest.js";
import { deleteManifest, getManifest, manifestDigest, tagManifest } from "./manifests.js";
import type { RateLimit } from "./rate-limit.js";
import { failedError, registryMessage } from "./registry-errors.js";
import { normalizeRegistryHost, registryBaseUrl } from "./registry-host.js";
import { DEFAULT_RETRY_POLICY } from "./retry-policy.js";
import type { PageOptions } from "./pager.js";
import { listRepositories, listTags, type ListTagsOptions } from "./tags.js";
import { Transport, type FetchFunction, type RequestStats } from "./transport.js";

export interface RegistryClientOptions {
  /** host[:port] (a scheme or path is stripped; Docker Hub aliases become docker.io). */
  readonly host: string;
  /** Plain HTTP for a registry that is not on loopback (loopback always gets HTTP). */
  readonly insecure?: boolean;
  /** Credentials from Slipway's config; without them, Docker's config.json is asked. */
  readonly credentials?: RegistryCredentials;
  /** Docker's config.json; default $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
  readonly dockerConfigPath?: string;
  /** Environment for DOCKER_CONFIG, HOME and credential helpers; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** The fetch to send requests with; default the global fetch. */
  readonly fetch?: FetchFunction;
  /** Retries after a 429, a 5xx or a network failure; default 2. */
  readonly maxRetries?: number;
  /** The first backoff between retries, doubled each time; default 250 ms. */
  readonly retryDelayMs?: number;
  /** The longest Retry-After waited out; longer is REGISTRY_RATE_LIMITED at once. Default 30 s. */
  readonly maxRetryAfterMs?: number;
  /** Time limit per HTTP request; default 30 s. */
  readonly timeoutMs?: number;
}

/** The distribution (OCI) HTTP API of one registry. Every failure is a SlipwayError. */
export interface RegistryClient {
  /** The registry, normalized: host[:port], docker.io for Docker Hub. */
  readonly host: string;
  /** Where its API answers: http(s)://host[:port]. */
  readonly baseUrl: string;
  /** What the registry last said about its rate limit, if anything. */
  readonly lastRateLimit: RateLimit | undefined;
  /** GET /v2/: the registry answers and accepts the credentials. */
  ping(): Promise<void>;
  /** Every tag of a repository, following Link pagination. */
  listTags(repository: string, options?: ListTagsOptions): Promise<string[]>;
  /** Every repository (GET /v2/_catalog), following Link pagination. */
  listRepositories(options?: PageOptions): Promise<string[]>;
  /** The manifest digest of a tag or digest by HEAD; undefined when there is no such manifest. */
  manifestDigest(repository: string, reference: string): Promise<string | undefined>;
  getManifest(repository: string, reference: string): Promise<Manifest>;
  getImageConfig(repository: string, reference: string, options?: ImageConfigOptions): Promise<ImageConfig>;
  deleteManifest(repository: string, digest: string): Promise<void>;
  /** Points `tag` at the manifest `digest` already in the repository (no layer moves). */
  tagManifest(repository: string, digest: string, tag: string): Promise<void>;
  /** HTTP requests sent so far (every attempt, token requests included). */
  stats(): RequestStats;
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const host = normalizeRegistryHost(options.host);
  const baseUrl = registryBaseUrl(host, options.insecure ?? false);
  const transport = new Transport({
    host,
    fetch: options.fetch ?? fetch,
    timeoutMs: options.timeoutMs ?? 30_000,
    policy: {
      maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
    },
  });
  const auth = new Authenticator(transport, () =>
    resolveCredentials({ host, credentials: options.credentials, dockerConfigPath: options.dockerConfigPath, env: options.env }),
  );
  const context: RegistryContext = { host, baseUrl, transport, auth };
  return {
    host,
    baseUrl,
    get lastRateLimit() {
      return transport.lastRateLimit;
    },
    ping: () => ping(context),
    listTags: (repository, listOptions) => listTags(context, repository, listOptions),
    listRepositories: (listOptions) => listRepositories(context, listOptions),
    manifestDigest: (repository, reference) => manifestDigest(context, repository, reference),
    getManifest: (repository, reference) => getManifest(context, repository, reference),
    getImageConfig: (repository, reference, configOptions) => getImageConfig(context, repository, reference, configOptions),
    deleteManifest: (repository, digest) => deleteManifest(context, repository, digest),
    tagManifest: (repository, digest, tag) => tagManifest(context, repository, digest, tag),
    stats: () => transport.stats(),
  };
}

async function ping(context: RegistryContext): Promise<void> {
  const purpose = "reach its API";
  const response = await send(context, { method: "GET", url: apiUrl(context, ""), scope: "", purpose });
  const body = await response.text();
  if (response.status === 200) return;
  const said = response.status === 404 ? `there is no registry API at ${context.baseUrl}/v2/` : registryMessage(body);
  throw failedError(context.host, purpose, response.status, said);
}
