import { isIP } from "node:net";
import type { RouteListen } from "./types.js";

/** `host:port` for Caddy's `listen` and `dial`; IPv6 hosts in brackets; no host means every interface. */
export function formatAddress(listen: RouteListen): string {
  if (listen.host === undefined || listen.host === "") return `:${listen.port}`;
  return isIP(listen.host) === 6 ? `[${listen.host}]:${listen.port}` : `${listen.host}:${listen.port}`;
}

/** Parses `host:port`, `:port` or `[v6]:port` (with an optional `tcp/` network); undefined for anything else. */
export function parseAddress(text: string): RouteListen | undefined {
  const bare = text.replace(/^tcp\//, "");
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]/]*)):(\d{1,5})$/.exec(bare);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (!isPort(port)) return undefined;
  const host = match[1] ?? match[2] ?? "";
  return host === "" ? { port } : { host, port };
}

export function isPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** True for an IP address or DNS name: nothing that Caddy would read as a placeholder or a scheme. */
export function isHost(host: string): boolean {
  return isIP(host) !== 0 || HOSTNAME.test(host);
}

/** An upstream is `host:port` with a concrete host and port (a container's published port). */
export function isUpstream(text: string): boolean {
  const parsed = parseAddress(text);
  return parsed?.host !== undefined && isHost(parsed.host);
}
