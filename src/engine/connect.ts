import Docker from "dockerode";
import { SlipwayError } from "../errors/index.js";
import { addressFromEnvironment, parseDockerHost, type EngineAddress, type EngineEndpoint } from "../reference/docker-host.js";
import { dockerOptions } from "./docker-options.js";
import { createEngine, type Engine, type ReplicaAddress } from "./engine.js";
import { describeEngineFailure, engineError, isConnectionFailure, unreachableError } from "./errors.js";
import { negotiateApiVersion } from "./api-version.js";

const PING_TIMEOUT_MS = 10_000;

export interface ConnectOptions extends EngineAddress {
  /** Where this engine's published ports are reached from here; default the engine's host (loopback for a socket). */
  readonly replicaAddress?: string;
}

/**
 * Connects to the Docker engine at `host` (DOCKER_HOST syntax, with TLS and ssh as the docker
 * CLI does them), else the docker CLI's variables (DOCKER_HOST, DOCKER_TLS_VERIFY,
 * DOCKER_CERT_PATH), else the default socket; checks it answers and settles the API version
 * both ends speak. ENGINE_UNREACHABLE names the engine and says how to fix it when not.
 */
export async function connectEngine(options: ConnectOptions = {}): Promise<Engine> {
  const address = options.host === undefined ? { ...addressFromEnvironment(), ...options } : options;
  const endpoint = parseDockerHost(address);
  const docker = new Docker(dockerOptions(endpoint));
  let serverApi: string;
  try {
    await ping(docker, AbortSignal.timeout(PING_TIMEOUT_MS));
    serverApi = (await docker.version()).ApiVersion;
  } catch (error) {
    throw connectFailure(error, endpoint);
  }
  const apiVersion = negotiateApiVersion(serverApi);
  if (apiVersion === undefined) {
    throw new SlipwayError("ENGINE_FAILED", `the Docker engine at ${endpoint.display} speaks API ${serverApi}, older than Slipway needs`, {
      hint: "upgrade that engine to Docker 19.03 (API 1.40) or newer",
    });
  }
  // docker-modem prefixes every path with its version (its typings do not list the field).
  (docker.modem as { version?: string }).version = `v${apiVersion}`;
  return createEngine(docker, endpoint, { apiVersion, replica: replicaAddress(endpoint, options.replicaAddress) });
}

function connectFailure(error: unknown, endpoint: EngineEndpoint): SlipwayError {
  if (error instanceof SlipwayError) return error;
  const failure = describeEngineFailure(error);
  if (isConnectionFailure(failure)) return unreachableError(endpoint, failure, error);
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    return unreachableError(endpoint, { statusCode: undefined, errno: "ETIMEDOUT", message: `no answer in ${PING_TIMEOUT_MS / 1000} s` }, error);
  }
  return engineError(error, endpoint, "checking the engine answers");
}

/**
 * Where replicas publish their ports and where Slipway (its proxy and health probes) reaches
 * them: loopback for a local socket; the engine's host otherwise, bound on that address when it
 * is an IP (so nothing else on the host sees the port), on every address when it is a name.
 */
function replicaAddress(endpoint: EngineEndpoint, configured: string | undefined): ReplicaAddress {
  const host = configured ?? (endpoint.kind === "unix" ? "127.0.0.1" : endpoint.host);
  const isIp = /^[\d.]+$/.test(host) || host.includes(":");
  return { host, bind: isIp ? host : "0.0.0.0" };
}

/** GET /_ping, abortable (dockerode's typings do not let ping take a signal). */
function ping(docker: Docker, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({ path: "/_ping", method: "GET", abortSignal: signal, statusCodes: { 200: true, 500: "server error" } }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}
