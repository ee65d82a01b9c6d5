import { SlipwayError } from "../errors/index.js";
import { redactText } from "../util/secret.js";
import type { EngineEndpoint } from "../reference/docker-host.js";

/** What went wrong in one engine request, read from dockerode's error or a socket error. */
export interface EngineFailure {
  /** The HTTP status the engine answered with, when it answered. */
  readonly statusCode: number | undefined;
  /** The socket error code (ECONNREFUSED, ENOENT, EACCES...) when the engine did not answer. */
  readonly errno: string | undefined;
  /** The engine's own message, or the socket error's. */
  readonly message: string;
}

const CONNECTION_ERRNOS = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "EACCES",
  "EPERM",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  // ssh could not reach the engine's host (src/engine/ssh-transport.ts).
  "ESSH",
]);

export function describeEngineFailure(error: unknown): EngineFailure {
  if (!(error instanceof Error)) return { statusCode: undefined, errno: undefined, message: String(error) };
  const statusCode = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : undefined;
  const errno = "code" in error && typeof error.code === "string" ? error.code : undefined;
  const json = "json" in error ? error.json : undefined;
  return { statusCode, errno, message: engineMessage(json) ?? withoutDockerodePrefix(error.message) };
}

/** dockerode prefixes the engine's words with "(HTTP code 404) no such container - ". */
function withoutDockerodePrefix(message: string): string {
  return message.replace(/^\(HTTP code \d+\) .*? - /, "").trim();
}

function engineMessage(json: unknown): string | undefined {
  if (typeof json === "string" && json.trim() !== "") return json.trim();
  if (typeof json !== "object" || json === null || !("message" in json)) return undefined;
  return typeof json.message === "string" ? json.message.trim() : undefined;
}

export function isConnectionFailure(failure: EngineFailure): boolean {
  return failure.statusCode === undefined && failure.errno !== undefined && CONNECTION_ERRNOS.has(failure.errno);
}

export function isNotFound(error: unknown): boolean {
  return describeEngineFailure(error).statusCode === 404;
}

/** The engine socket did not answer: say which socket, and how to start the engine or fix access. */
export function unreachableError(endpoint: EngineEndpoint, failure: EngineFailure, cause?: unknown): SlipwayError {
  const denied = failure.errno === "EACCES" || failure.errno === "EPERM";
  if (denied) {
    return new SlipwayError("ENGINE_UNREACHABLE", `permission denied on the Docker engine socket ${endpoint.display}`, {
      hint: "add your user to the docker group (`usermod -aG docker $USER`, then log in again), or run as root",
      cause,
    });
  }
  const why =
    failure.errno === "ENOENT" && endpoint.kind === "unix"
      ? `there is no socket at ${endpoint.socketPath}`
      : `${failure.errno ?? "no answer"}: ${failure.message}`;
  return new SlipwayError("ENGINE_UNREACHABLE", `the Docker engine at ${endpoint.display} does not answer (${why})`, {
    hint: unreachableHint(endpoint),
    cause,
  });
}

function unreachableHint(endpoint: EngineEndpoint): string {
  switch (endpoint.kind) {
    case "unix":
      return "start it with `dockerd &` as root, or `systemctl start docker`; or set DOCKER_HOST to the address of a running engine";
    case "tcp":
      return `check that dockerd on ${endpoint.host} listens on port ${endpoint.port}${endpoint.tls === undefined ? "" : " with TLS"} and that this machine may reach it; or fix environments.<env>.docker_host (DOCKER_HOST)`;
    case "ssh":
      return `check that \`ssh ${endpoint.port === undefined ? "" : `-p ${endpoint.port} `}${endpoint.user === undefined ? "" : `${endpoint.user}@`}${endpoint.host} docker version\` works without a prompt (a key in ssh-agent or ~/.ssh, the host in known_hosts); or fix environments.<env>.docker_host`;
  }
}

/** Any other engine failure: the action we tried and the engine's own words. */
export function engineError(error: unknown, endpoint: EngineEndpoint, action: string): SlipwayError {
  if (error instanceof SlipwayError) return error;
  const failure = describeEngineFailure(error);
  if (isConnectionFailure(failure)) return unreachableError(endpoint, failure, error);
  return new SlipwayError("ENGINE_FAILED", redactText(`${action} failed: ${failure.message}`), { cause: error });
}

export type RegistryFailureKind = "auth" | "not-found" | "unreachable" | "rate-limited" | "other";

const REGISTRY_PATTERNS: ReadonlyArray<readonly [RegistryFailureKind, RegExp]> = [
  ["rate-limited", /toomanyrequests|too many requests|\b429\b/i],
  ["auth", /unauthorized|authentication required|no basic auth credentials|incorrect username or password|denied|forbidden/i],
  [
    "unreachable",
    /connection refused|no such host|i\/o timeout|network is unreachable|no route to host|server gave HTTP response to HTTPS client|dial tcp|connection reset|EOF$/i,
  ],
  ["not-found", /manifest unknown|name unknown|not found|does not exist|no such image/i],
];

/** Classifies the text of a registry error the engine passed on (it gives no structured code). */
export function classifyRegistryMessage(message: string): RegistryFailureKind {
  for (const [kind, pattern] of REGISTRY_PATTERNS) if (pattern.test(message)) return kind;
  return "other";
}

export interface RegistryFailureContext {
  readonly action: "push" | "pull";
  readonly ref: string;
  readonly registry: string;
  readonly message: string;
}

/** Turns a registry error reported by the engine (in the stream or as an HTTP error) into a SlipwayError. */
export function registryError(context: RegistryFailureContext): SlipwayError {
  const said = redactText(context.message);
  const { action, ref, registry } = context;
  switch (classifyRegistryMessage(said)) {
    case "auth":
      return new SlipwayError("REGISTRY_AUTH", `${registry} refused to let Slipway ${action} ${ref}: ${said}`, {
        hint: `check the username and password configured for ${registry}, and that this user may ${action} this repository`,
      });
    case "not-found":
      return new SlipwayError("IMAGE_NOT_FOUND", `${ref} was not found ${action === "pull" ? `in ${registry}` : "locally"}: ${said}`, {
        hint: action === "pull" ? "check the repository name and tag (is it pushed?)" : "build or tag the image before pushing it",
      });
    case "unreachable":
      return new SlipwayError("REGISTRY_UNREACHABLE", `the registry ${registry} does not answer (${action} ${ref}): ${said}`, {
        hint: `check that the registry runs at ${registry} and that the Docker engine can reach it`,
      });
    case "rate-limited":
      return new SlipwayError("REGISTRY_RATE_LIMITED", `${registry} asked Slipway to slow down while trying to ${action} ${ref}: ${said}`);
    case "other":
      return new SlipwayError("REGISTRY_FAILED", `${action} of ${ref} failed at ${registry}: ${said}`);
  }
}
