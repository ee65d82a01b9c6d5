import { isUnset, recordOf, stringOf, stringsOf, type ContainerInspect, type Json } from "./inspect-json.js";

/** One network the new container joins, with the endpoint settings the user gave. */
export interface NetworkJoin {
  readonly network: string;
  /** Aliases, IPAMConfig (static addresses), Links, DriverOpts: only what is set. */
  readonly endpoint: Record<string, unknown>;
}

export interface NetworkPlan {
  /** Joined at create (NetworkingConfig); undefined for host, none, the default bridge, or no network. */
  readonly first?: NetworkJoin;
  /** Connected after create, before start (API 1.41 takes one network at create). */
  readonly later: readonly NetworkJoin[];
  /** Static IPv4/IPv6 addresses, for the start order: "network 10.5.0.7". */
  readonly staticAddresses: readonly string[];
}

const BUILT_IN = new Set(["host", "none", "default", "bridge"]);

/**
 * The networks of the inspected container in the order the engine needs: the one named by
 * HostConfig.NetworkMode first. The engine adds the old container's short ID to its aliases;
 * that alias is left out (the new container gets its own).
 */
export function planNetworks(container: ContainerInspect): NetworkPlan {
  const mode = stringOf(container.HostConfig.NetworkMode);
  const networks = Object.entries(container.NetworkSettings.Networks ?? {});
  const shortId = container.Id.slice(0, 12);
  const joins = networks.map(([name, settings]) => ({
    name,
    id: stringOf(settings.NetworkID),
    join: { network: name, endpoint: endpointOf(settings, shortId) },
  }));
  const staticAddresses = joins.flatMap(({ name, join }) => {
    const ipam = recordOf(join.endpoint.IPAMConfig);
    return [ipam.IPv4Address, ipam.IPv6Address]
      .filter((address) => typeof address === "string" && address !== "")
      .map((address) => `${name} ${String(address)}`);
  });
  const firstIndex = BUILT_IN.has(mode) || mode === "" ? -1 : joins.findIndex((j) => j.name === mode || (mode.length >= 12 && j.id.startsWith(mode)));
  const first = firstIndex === -1 ? undefined : joins[firstIndex]?.join;
  const createdOn = mode === "default" ? "bridge" : mode;
  const later = joins.filter((j, index) => index !== firstIndex && j.name !== createdOn && !(mode === "host" || mode === "none")).map((j) => j.join);
  return { ...(first === undefined ? {} : { first }), later, staticAddresses };
}

function endpointOf(settings: Json, shortId: string): Record<string, unknown> {
  const endpoint: Record<string, unknown> = {};
  const aliases = stringsOf(settings.Aliases).filter((alias) => alias !== shortId);
  if (aliases.length > 0) endpoint.Aliases = aliases;
  const ipam = recordOf(settings.IPAMConfig);
  const addresses: Record<string, unknown> = {};
  for (const key of ["IPv4Address", "IPv6Address", "LinkLocalIPs"]) if (!isUnset(ipam[key])) addresses[key] = ipam[key];
  if (Object.keys(addresses).length > 0) endpoint.IPAMConfig = addresses;
  if (!isUnset(settings.Links)) endpoint.Links = settings.Links;
  if (!isUnset(settings.DriverOpts)) endpoint.DriverOpts = settings.DriverOpts;
  return endpoint;
}
