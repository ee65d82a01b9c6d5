import { SlipwayError } from "../errors/index.js";
import { redactText } from "../util/secret.js";
import { describeSource, type RegistryCredentials, type ResolvedCredentials } from "./credentials.js";
import { SLIPWAY_CONFIG_SOURCE } from "./credential-helper.js";
import { isLoopback } from "./registry-host.js";

/** What a request was for, as words: "list the tags of my-org/app". */
export type Purpose = string;

/** Why a request got no answer: a socket error code (ECONNREFUSED, ENOTFOUND) or a timeout. */
export interface NetworkFailure {
  readonly code: string | undefined;
  readonly message: string;
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME"]);

/** Reads fetch's "fetch failed" TypeError (the socket error is its cause) or a timeout. */
export function describeNetworkFailure(error: unknown): NetworkFailure {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return { code: "ETIMEDOUT", message: "no answer before the time limit" };
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = cause instanceof Error && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  return { code, message };
}

export function isDnsFailure(failure: NetworkFailure): boolean {
  return failure.code !== undefined && DNS_CODES.has(failure.code);
}

export function unreachableError(host: string, url: string, failure: NetworkFailure, cause: unknown): SlipwayError {
  const why = failure.code === "ECONNREFUSED" ? "connection refused" : isDnsFailure(failure) ? "no such host" : failure.message;
  return new SlipwayError("REGISTRY_UNREACHABLE", `the registry ${host} does not answer at ${url} (${why})`, {
    hint: unreachableHint(host, failure),
    cause,
  });
}

function unreachableHint(host: string, failure: NetworkFailure): string {
  if (isLoopback(host)) {
    return `is the registry running? Start one on this machine with \`docker-registry serve <config.yml>\` (scripts/up.sh starts one on 127.0.0.1:5000), or fix \`registry:\` in slipway.yml`;
  }
  if (isDnsFailure(failure)) return `check the host name in \`registry:\` in slipway.yml, and this machine's DNS`;
  return `is the registry running? Check \`registry:\` in slipway.yml, and that this machine can reach ${host} (firewall, proxy)`;
}

export function needsCredentialsError(host: string, purpose: Purpose): SlipwayError {
  return new SlipwayError("REGISTRY_AUTH", `${host} needs credentials to ${purpose}, and none are configured for it`, {
    hint: loginHint(host, undefined),
  });
}

export function refusedCredentialsError(host: string, credentials: RegistryCredentials | ResolvedCredentials, purpose: Purpose, said?: string): SlipwayError {
  const reason = said === undefined || said === "" ? "" : `: ${redactText(said)}`;
  return new SlipwayError(
    "REGISTRY_AUTH",
    `${host} refused the credentials of ${JSON.stringify(credentials.username)} from ${describeSource(credentials)} (trying to ${purpose})${reason}`,
    { hint: loginHint(host, credentials) },
  );
}

export function deniedError(host: string, credentials: RegistryCredentials | ResolvedCredentials | undefined, purpose: Purpose, said?: string): SlipwayError {
  if (credentials === undefined) return needsCredentialsError(host, purpose);
  const reason = said === undefined || said === "" ? "" : `: ${redactText(said)}`;
  return new SlipwayError(
    "REGISTRY_AUTH",
    `${host} does not let ${JSON.stringify(credentials.username)} (credentials from ${describeSource(credentials)}) ${purpose}${reason}`,
    { hint: `ask the registry's administrator for access, or use an account that has it; ${loginHint(host, credentials)}` },
  );
}

function loginHint(host: string, credentials: RegistryCredentials | ResolvedCredentials | undefined): string {
  const source = credentials === undefined ? undefined : describeSource(credentials);
  if (source === SLIPWAY_CONFIG_SOURCE)
    return `fix registry.username and registry.password in slipway.yml (from \${VARIABLES}), or remove them to use \`docker login ${host}\``;
  return `run \`docker login ${host}\`, or set registry.username and registry.password in slipway.yml (from \${VARIABLES})`;
}

export function notFoundError(host: string, what: string, said: string | undefined): SlipwayError {
  const reason = said === undefined || said === "" ? "" : ` (${redactText(said)})`;
  return new SlipwayError("REGISTRY_NOT_FOUND", `${host} has no ${what}${reason}`, {
    hint: "check the repository name and tag (was it pushed?)",
  });
}

export function rateLimitedError(host: string, purpose: Purpose, retryAfterMs: number | undefined): SlipwayError {
  const when = retryAfterMs === undefined ? "later" : `in ${Math.ceil(retryAfterMs / 1000)} s`;
  return new SlipwayError("REGISTRY_RATE_LIMITED", `${host} asked Slipway to slow down (HTTP 429) while trying to ${purpose}; retry ${when}`, {
    hint: "log in (authenticated accounts get higher limits), poll less often, or use a registry mirror",
  });
}

export function failedError(host: string, purpose: Purpose, status: number, said: string | undefined, hint?: string): SlipwayError {
  const reason = said === undefined || said === "" ? "" : `: ${redactText(said)}`;
  return new SlipwayError("REGISTRY_FAILED", `${host} answered HTTP ${status} when Slipway tried to ${purpose}${reason}`, hint === undefined ? {} : { hint });
}

/** The registry's own words from an error body: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}`. */
export function registryMessage(body: string): string | undefined {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json === "object" && json !== null && "errors" in json && Array.isArray(json.errors)) {
      const parts = json.errors.flatMap((entry: unknown) => errorEntryText(entry));
      if (parts.length > 0) return parts.join("; ");
    }
    if (typeof json === "object" && json !== null && "details" in json && typeof json.details === "string") return json.details;
  } catch {
    // not JSON: fall through to the text itself
  }
  const text = body.trim();
  return text === "" ? undefined : text.slice(0, 300);
}

function errorEntryText(entry: unknown): string[] {
  if (typeof entry !== "object" || entry === null) return [];
  const code = "code" in entry && typeof entry.code === "string" ? entry.code : undefined;
  const message = "message" in entry && typeof entry.message === "string" ? entry.message : undefined;
  if (code === undefined && message === undefined) return [];
  return [[code, message].filter((part) => part !== undefined).join(": ")];
}
