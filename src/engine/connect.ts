import Docker from "dockerode";
import { parseDockerHost, type EngineEndpoint } from "./docker-host.js";
import { createEngine, type Engine } from "./engine.js";
import { describeEngineFailure, engineError, isConnectionFailure, unreachableError } from "./errors.js";

const PING_TIMEOUT_MS = 5_000;

/**
 * Connects to the Docker engine at `host` (DOCKER_HOST syntax), else $DOCKER_HOST, else
 * the default socket, and checks it answers. ENGINE_UNREACHABLE says how to fix it when not.
 */
export async function connectEngine(options: { host?: string } = {}): Promise<Engine> {
  const endpoint = parseDockerHost(options.host ?? process.env.DOCKER_HOST);
  const docker = new Docker(dockerOptions(endpoint));
  try {
    await ping(docker, AbortSignal.timeout(PING_TIMEOUT_MS));
  } catch (error) {
    const failure = describeEngineFailure(error);
    if (isConnectionFailure(failure)) throw unreachableError(endpoint, failure, error);
    if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
      throw unreachableError(endpoint, { statusCode: undefined, errno: "ETIMEDOUT", message: `no answer in ${PING_TIMEOUT_MS / 1000} s` }, error);
    }
    throw engineError(error, endpoint, "checking the engine answers");
  }
  return createEngine(docker, endpoint);
}

/** GET /_ping, abortable (dockerode's typings do not let ping take a signal). */
function ping(docker: Docker, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({ path: "/_ping", method: "GET", abortSignal: signal, statusCodes: { 200: true, 500: "server error" } }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

/**
 * Every connection field is set explicitly, so a DOCKER_HOST in the environment
 * (which dockerode also reads) cannot override the endpoint chosen here.
 */
function dockerOptions(endpoint: EngineEndpoint): Docker.DockerOptions {
  if (endpoint.kind === "unix") {
    return { socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: "http" };
  }
  return { socketPath: undefined, host: endpoint.host, port: endpoint.port, protocol: "http" };
}
