import { SlipwayError } from "../errors/index.js";

export const DEFAULT_SOCKET = "/var/run/docker.sock";

/** Where the Docker engine listens: a unix socket, or plain TCP (no TLS). */
export type EngineEndpoint =
  | { readonly kind: "unix"; readonly socketPath: string; readonly display: string }
  | { readonly kind: "tcp"; readonly host: string; readonly port: number; readonly display: string };

const DEFAULT_TCP_PORT = 2375;

/**
 * Parses DOCKER_HOST syntax: unset or empty means the default unix socket;
 * unix:///path/to/docker.sock; tcp://host[:port] (port 2375 when omitted).
 */
export function parseDockerHost(value: string | undefined): EngineEndpoint {
  const host = (value ?? "").trim();
  if (host === "") return unixEndpoint(DEFAULT_SOCKET);
  if (host.startsWith("unix://")) {
    const path = host.slice("unix://".length);
    if (path === "") return unixEndpoint(DEFAULT_SOCKET);
    if (!path.startsWith("/")) throw invalidHost(host, "the socket path after unix:// must be absolute");
    return unixEndpoint(path);
  }
  if (host.startsWith("tcp://")) return tcpEndpoint(host);
  throw invalidHost(host, "only unix:// and tcp:// engine addresses are supported");
}

function unixEndpoint(socketPath: string): EngineEndpoint {
  return { kind: "unix", socketPath, display: `unix://${socketPath}` };
}

function tcpEndpoint(host: string): EngineEndpoint {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw invalidHost(host, "it is not a valid tcp://host:port address");
  }
  if (url.hostname === "") throw invalidHost(host, "it names no host");
  if (url.pathname !== "/" && url.pathname !== "") throw invalidHost(host, "a tcp:// address takes no path");
  const port = url.port === "" ? DEFAULT_TCP_PORT : Number(url.port);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { kind: "tcp", host: hostname, port, display: `tcp://${url.host}${url.port === "" ? `:${port}` : ""}` };
}

function invalidHost(host: string, why: string): SlipwayError {
  return new SlipwayError("ENGINE_UNREACHABLE", `the Docker engine address "${host}" cannot be used: ${why}`, {
    hint: "set DOCKER_HOST to unix:///var/run/docker.sock or tcp://HOST:PORT, or unset it to use the default socket",
  });
}
