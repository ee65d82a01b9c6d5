import { isIP } from "node:net";
import { SlipwayError } from "../errors/index.js";

/** Where Slipway's managed proxy answers its admin API unless told otherwise. */
export const DEFAULT_ADMIN_ADDRESS = "127.0.0.1:2019";

export interface AdminAddress {
  /** `host:port` as Caddy's `admin.listen` takes it. */
  readonly listen: string;
  /** Base URL for admin requests, without a trailing slash. */
  readonly url: string;
  readonly port: number;
}

/**
 * Parses an admin address given as `host:port` or `http://host:port`. Only loopback hosts are
 * accepted: the admin API can rewrite the proxy, so it must never listen on a public interface.
 */
export function parseAdminAddress(text: string): AdminAddress {
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `http://${text}`;
  const url = parseUrl(withScheme, text);
  const host = url.hostname;
  const port = Number(url.port);
  const plain = url.pathname === "/" && url.search === "" && url.username === "" && url.password === "";
  if (url.protocol !== "http:" || !plain || !Number.isInteger(port) || port < 1 || port > 65535) throw invalid(text);
  if (!isLoopback(host)) {
    throw new SlipwayError("CONFIG_INVALID", `the proxy admin address ${text} is not a loopback address`, {
      hint: `use 127.0.0.1, ::1 or localhost with a port, e.g. ${DEFAULT_ADMIN_ADDRESS}: the admin API must not be reachable from other hosts`,
    });
  }
  const hostPart = isIP(host.replace(/^\[|\]$/g, "")) === 6 ? `[${host.replace(/^\[|\]$/g, "")}]` : host;
  return { listen: `${hostPart}:${port}`, url: `http://${hostPart}:${port}`, port };
}

function parseUrl(text: string, original: string): URL {
  try {
    return new URL(text);
  } catch {
    throw invalid(original);
  }
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "localhost" || bare === "::1") return true;
  return isIP(bare) === 4 && bare.startsWith("127.");
}

function invalid(text: string): SlipwayError {
  return new SlipwayError("CONFIG_INVALID", `the proxy admin address ${JSON.stringify(text)} is not host:port`, {
    hint: `give a loopback host and port, e.g. ${DEFAULT_ADMIN_ADDRESS}`,
  });
}
