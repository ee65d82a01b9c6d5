/**
 * How long Caddy lets requests on a replaced server finish after a config change before it
 * closes their connections. Long enough for ordinary requests; bounded so that a stream held
 * open forever cannot keep old servers alive across deploys.
 */
export const GRACE_PERIOD = "60s";

/** The config Slipway's managed Caddy starts with: the admin API on loopback and an empty HTTP app. */
export function initialConfig(adminListen: string): Record<string, unknown> {
  return {
    admin: { listen: adminListen },
    apps: { http: { grace_period: GRACE_PERIOD, servers: {} } },
  };
}

/** The `admin.listen` of a saved Caddy config, if it has one. */
export function savedAdminListen(config: unknown): string | undefined {
  if (typeof config !== "object" || config === null || !("admin" in config)) return undefined;
  const admin = config.admin;
  if (typeof admin !== "object" || admin === null || !("listen" in admin)) return undefined;
  return typeof admin.listen === "string" ? admin.listen : undefined;
}
