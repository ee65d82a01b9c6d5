import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { SlipwayError } from "../errors/index.js";

export const DEFAULT_SOCKET = "/var/run/docker.sock";

/** The files of a TLS connection to the engine, as the docker CLI finds them (DOCKER_CERT_PATH). */
export interface EngineTls {
  /** The directory holding ca.pem, cert.pem and key.pem. */
  readonly certPath: string;
}

/** Where the Docker engine listens: a unix socket, TCP (plain or TLS), or an engine reached over ssh. */
export type EngineEndpoint =
  | { readonly kind: "unix"; readonly socketPath: string; readonly display: string }
  | { readonly kind: "tcp"; readonly host: string; readonly port: number; readonly tls?: EngineTls; readonly display: string }
  | { readonly kind: "ssh"; readonly host: string; readonly port?: number; readonly user?: string; readonly display: string };

/** How to reach an engine, as slipway.yml's environments or the docker CLI's variables say it. */
export interface EngineAddress {
  /** DOCKER_HOST syntax; unset means the default socket. */
  readonly host?: string;
  /** Use TLS and verify the engine's certificate (DOCKER_TLS_VERIFY). */
  readonly tlsVerify?: boolean;
  /** Where ca.pem, cert.pem and key.pem are (DOCKER_CERT_PATH); implies tlsVerify. Default ~/.docker. */
  readonly certPath?: string;
}

const DEFAULT_TCP_PORT = 2375;
const DEFAULT_TLS_PORT = 2376;

/** The docker CLI's own variables: DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH. */
export function addressFromEnvironment(env: NodeJS.ProcessEnv = process.env): EngineAddress {
  const tlsVerify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== "" && env.DOCKER_TLS_VERIFY !== "0";
  return {
    ...(env.DOCKER_HOST === undefined ? {} : { host: env.DOCKER_HOST }),
    ...(tlsVerify ? { tlsVerify } : {}),
    ...(env.DOCKER_CERT_PATH === undefined || env.DOCKER_CERT_PATH === "" ? {} : { certPath: env.DOCKER_CERT_PATH }),
  };
}

/**
 * Parses DOCKER_HOST syntax: unset or empty means the default unix socket;
 * unix:///path/to/docker.sock; tcp://host[:port] (2375, or 2376 with TLS, when omitted);
 * ssh://[user@]host[:port] (the engine on that host, through `ssh`, as the docker CLI does).
 * A bare string is read as a DOCKER_HOST value; TLS applies to tcp:// only.
 */
export function parseDockerHost(value: string | EngineAddress | undefined): EngineEndpoint {
  const address: EngineAddress = typeof value === "object" ? value : value === undefined ? {} : { host: value };
  const host = (address.host ?? "").trim();
  if (host === "") return unixEndpoint(DEFAULT_SOCKET);
  if (host.startsWith("unix://")) {
    const path = host.slice("unix://".length);
    if (path === "") return unixEndpoint(DEFAULT_SOCKET);
    if (!path.startsWith("/")) throw new DockerHostError(host, "the socket path after unix:// must be absolute");
    return unixEndpoint(path);
  }
  const tls = address.tlsVerify === true || address.certPath !== undefined ? { certPath: certDirectory(address.certPath) } : undefined;
  if (host.startsWith("tcp://")) return tcpEndpoint(host, tls);
  if (host.startsWith("ssh://")) return sshEndpoint(host);
  throw new DockerHostError(host, "only unix://, tcp:// and ssh:// engine addresses are supported");
}

/** Why `host` (DOCKER_HOST syntax) cannot be used, or undefined when it can: what config validation says of a docker_host. */
export function dockerHostProblem(host: string): string | undefined {
  try {
    parseDockerHost(host);
    return undefined;
  } catch (error) {
    if (error instanceof DockerHostError) return error.why;
    throw error;
  }
}

/** The engine address cannot be used; `why` says what is wrong with it. */
class DockerHostError extends SlipwayError {
  constructor(
    host: string,
    readonly why: string,
  ) {
    super("ENGINE_UNREACHABLE", `the Docker engine address "${host}" cannot be used: ${why}`, {
      hint: "use unix:///var/run/docker.sock, tcp://HOST:PORT or ssh://USER@HOST (DOCKER_HOST, or environments.<env>.docker_host), or unset it for the default socket",
    });
  }
}

function certDirectory(path: string | undefined): string {
  if (path === undefined || path === "") return join(homedir(), ".docker");
  return isAbsolute(path) ? path : resolve(path);
}

function unixEndpoint(socketPath: string): EngineEndpoint {
  return { kind: "unix", socketPath, display: `unix://${socketPath}` };
}

function parseUrl(host: string): URL {
  try {
    return new URL(host);
  } catch {
    throw new DockerHostError(host, "it is not a valid address");
  }
}

function tcpEndpoint(host: string, tls: EngineTls | undefined): EngineEndpoint {
  const url = parseUrl(host);
  if (url.hostname === "") throw new DockerHostError(host, "it names no host");
  if (url.pathname !== "/" && url.pathname !== "") throw new DockerHostError(host, "a tcp:// address takes no path");
  if (url.username !== "" || url.password !== "") throw new DockerHostError(host, "a tcp:// address takes no user (ssh://user@host does)");
  const defaultPort = tls === undefined ? DEFAULT_TCP_PORT : DEFAULT_TLS_PORT;
  const port = url.port === "" ? defaultPort : Number(url.port);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const shown = `tcp://${url.host}${url.port === "" ? `:${port}` : ""}`;
  return { kind: "tcp", host: hostname, port, ...(tls === undefined ? {} : { tls }), display: shown };
}

function sshEndpoint(host: string): EngineEndpoint {
  const url = parseUrl(host);
  if (url.hostname === "") throw new DockerHostError(host, "it names no host");
  if (url.pathname !== "/" && url.pathname !== "") throw new DockerHostError(host, "an ssh:// address takes no path");
  if (url.password !== "") throw new DockerHostError(host, "put no password in the address; ssh uses your keys (ssh-agent or ~/.ssh)");
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  // Passed to ssh as arguments: nothing that ssh could read as an option.
  if (hostname.startsWith("-") || decodeURIComponent(url.username).startsWith("-")) throw new DockerHostError(host, "a host or user cannot start with '-'");
  const user = decodeURIComponent(url.username);
  return {
    kind: "ssh",
    host: hostname,
    ...(url.port === "" ? {} : { port: Number(url.port) }),
    ...(user === "" ? {} : { user }),
    display: `ssh://${user === "" ? "" : `${url.username}@`}${url.host}`,
  };
}
