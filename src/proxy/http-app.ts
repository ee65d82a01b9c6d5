import type { AdminClient } from "./admin-client.js";
import { isConflict } from "./admin-client.js";
import { GRACE_PERIOD } from "./initial-config.js";

export interface ConfigChange {
  readonly method: "POST" | "PUT";
  readonly path: string;
  readonly body: unknown;
}

/**
 * What a Caddy config lacks before Slipway's servers can go in `apps.http.servers`: the one
 * change that adds the missing level (no config, no `apps`, no `http` app, no `servers`), or
 * undefined when nothing is missing. Everything already there (other apps, other servers, the
 * HTTP app's settings) is kept: the change only ever adds a key.
 */
export function httpAppChange(config: unknown): ConfigChange | undefined {
  const http = { grace_period: GRACE_PERIOD, servers: {} };
  if (!isObject(config)) return { method: "POST", path: "/config/", body: { apps: { http } } };
  if (config.apps === undefined || config.apps === null) return { method: "PUT", path: "/config/apps", body: { http } };
  if (!isObject(config.apps)) return undefined;
  if (config.apps.http === undefined || config.apps.http === null) return { method: "PUT", path: "/config/apps/http", body: http };
  if (!isObject(config.apps.http)) return undefined;
  if (config.apps.http.servers === undefined || config.apps.http.servers === null) return { method: "PUT", path: "/config/apps/http/servers", body: {} };
  return undefined;
}

/**
 * Gives an existing Caddy that has no HTTP app yet (an empty config, only other apps, …) the
 * HTTP app Slipway's routes live in. Another writer that adds it first is fine.
 */
export async function ensureHttpApp(admin: AdminClient): Promise<void> {
  const { value } = await admin.read("/config/");
  const change = httpAppChange(value);
  if (change === undefined) return;
  try {
    await admin.call(`adding an HTTP app to its config (${change.path})`, change);
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
