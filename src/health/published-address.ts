import type { ContainerDetails, Engine } from "../engine/index.js";
import { SlipwayError } from "../errors/index.js";

export interface HostAddress {
  readonly host: string;
  readonly port: number;
}

/** Bindings on these host addresses are reachable at the engine's own host address. */
const ANY_ADDRESS = new Set(["", "0.0.0.0", "::"]);

/**
 * Where a container's TCP port is published on this host, as a loopback address when the
 * binding allows it. HEALTH_CHECK_INVALID when the port is not published (or the container
 * is not running, so nothing is); CONTAINER_NOT_FOUND when there is no such container.
 */
export async function resolvePublishedAddress(engine: Engine, containerId: string, containerPort: number): Promise<HostAddress> {
  const details = await engine.inspectContainer(containerId);
  if (details === undefined) {
    throw new SlipwayError("CONTAINER_NOT_FOUND", `there is no container ${containerId} to health-check`, {
      hint: "it may have been removed; list containers with `docker ps -a`",
    });
  }
  const address = publishedAddress(details, containerPort, engine.replica.host);
  if (address !== undefined) return address;
  throw notPublished(details, containerPort);
}

/**
 * The published address of `containerPort`, from an inspect answer; undefined when there is none.
 * `engineHost` is where the engine's host is reached from here (127.0.0.1 for the local engine):
 * a binding on every address, or on that host's own, is dialled there.
 */
export function publishedAddress(details: ContainerDetails, containerPort: number, engineHost = "127.0.0.1"): HostAddress | undefined {
  const bindings = details.raw.NetworkSettings.Ports?.[`${containerPort}/tcp`] ?? [];
  const usable = bindings.filter((binding) => binding.HostPort !== "" && Number(binding.HostPort) > 0);
  const preferred = usable.find((binding) => binding.HostIp === engineHost) ?? usable.find((binding) => ANY_ADDRESS.has(binding.HostIp));
  if (preferred !== undefined) return { host: engineHost, port: Number(preferred.HostPort) };
  const other = usable[0];
  if (other === undefined) return undefined;
  return { host: other.HostIp, port: Number(other.HostPort) };
}

export function notPublished(details: ContainerDetails, containerPort: number): SlipwayError {
  const running = details.state.running ? "" : ` (it is ${details.state.status}, and only a running container has published ports)`;
  return new SlipwayError("HEALTH_CHECK_INVALID", `container ${details.name} does not publish port ${containerPort}/tcp on the host${running}`, {
    hint: `publish it (ports: ["${containerPort}"]), or use a "command" or "docker" health check that runs inside the container`,
  });
}

/** host:port, with IPv6 hosts in brackets, as in a URL. */
export function formatAddress(address: HostAddress): string {
  return address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
