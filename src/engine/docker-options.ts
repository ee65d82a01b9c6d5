import { readFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { SlipwayError } from "../errors/index.js";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { sshAgent } from "./ssh-transport.js";

/**
 * dockerode's options for an endpoint. Every connection field is set explicitly, so a
 * DOCKER_HOST in the environment (which dockerode also reads) cannot override the endpoint
 * chosen here.
 */
export function dockerOptions(endpoint: EngineEndpoint, env: NodeJS.ProcessEnv = process.env): Docker.DockerOptions {
  switch (endpoint.kind) {
    case "unix":
      return { socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: "http" };
    case "tcp":
      if (endpoint.tls === undefined) return { socketPath: undefined, host: endpoint.host, port: endpoint.port, protocol: "http" };
      return { socketPath: undefined, host: endpoint.host, port: endpoint.port, protocol: "https", ...tlsFiles(endpoint, endpoint.tls.certPath) };
    case "ssh": {
      const configFile = env.SLIPWAY_SSH_CONFIG === undefined || env.SLIPWAY_SSH_CONFIG === "" ? undefined : env.SLIPWAY_SSH_CONFIG;
      const agent = sshAgent({
        host: endpoint.host,
        ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
        ...(endpoint.user === undefined ? {} : { user: endpoint.user }),
        ...(configFile === undefined ? {} : { configFile }),
      });
      // Plain HTTP over the ssh process's pipes; host and port only name the request.
      return { socketPath: undefined, host: "localhost", port: 80, protocol: "http", agent } as Docker.DockerOptions;
    }
  }
}

/** ca.pem, cert.pem and key.pem from the cert directory, as the docker CLI reads them. */
function tlsFiles(endpoint: EngineEndpoint, certPath: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  const read = (name: string): Buffer => {
    const path = join(certPath, name);
    try {
      return readFileSync(path);
    } catch (error) {
      const why = error instanceof Error && "code" in error ? String(error.code) : String(error);
      throw new SlipwayError("ENGINE_UNREACHABLE", `cannot use TLS with the Docker engine at ${endpoint.display}: ${path} cannot be read (${why})`, {
        hint: "put ca.pem, cert.pem and key.pem in that directory, or point environments.<env>.docker_cert_path (or DOCKER_CERT_PATH) at the directory that has them",
      });
    }
  };
  return { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
}
