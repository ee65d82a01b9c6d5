import { SlipwayError } from "../errors/index.js";
import { createAdminClient, isConflict, type AdminClient } from "./admin-client.js";
import { parseAdminAddress } from "./admin-address.js";
import { duplicateIds, planReconcile } from "./reconcile-plan.js";
import { assertValidRoute, fromServerConfig, nextParked, parkedUpstreams, serverName, toServerConfig } from "./route-config.js";
import { formatAddress } from "./route-address.js";
import { inFlightByAddress, readUpstreamStatus } from "./upstream-status.js";
import type { LiveRoute, Proxy, ReconcileReport, Route } from "./types.js";

const SERVERS_PATH = "/config/apps/http/servers";
/** A config change that lost a race with another writer (HTTP 412) is re-read and retried this often. */
const ATTEMPTS = 3;

/** Connects to Caddy's admin API at `adminUrl` (e.g. http://127.0.0.1:2019); PROXY_UNREACHABLE when it does not answer. */
export async function connectProxy(adminUrl: string): Promise<Proxy> {
  const address = parseAdminAddress(adminUrl);
  const admin = createAdminClient(address.url);
  await admin.read("/config/");
  return createProxy(admin, address.port);
}

function createProxy(admin: AdminClient, adminPort: number): Proxy {
  return {
    adminUrl: admin.url,
    setRoute: (route) => setRoute(admin, adminPort, route),
    removeRoute: (id) => removeRoute(admin, id),
    listRoutes: () => listRoutes(admin),
    reconcileRoutes: (routes) => reconcileRoutes(admin, adminPort, routes),
    upstreamsOf: async (id) => (await readRoute(admin, id)).live?.upstreams.slice(),
    upstreamStatus: () => readUpstreamStatus(admin),
  };
}

async function setRoute(admin: AdminClient, adminPort: number, route: Route): Promise<void> {
  checkRoute(route, adminPort);
  const path = serverPath(route.id);
  const what = `route ${JSON.stringify(route.id)} (listen ${formatAddress(route.listen)} -> ${route.upstreams.join(", ")})`;
  await retryOnConflict(async () => {
    // Both reads at once: a switch is one round trip for them and one for the change.
    const [current, status] = await Promise.all([readRoute(admin, route.id), readUpstreamStatus(admin)]);
    if (current.raw === null) {
      await admin.call(what, { method: "PUT", path, body: toServerConfig(route) });
      return;
    }
    const inFlight = inFlightByAddress(status);
    const parked = nextParked(current.live, parkedUpstreams(current.raw), route.upstreams, inFlight);
    await admin.call(what, { method: "PATCH", path, body: toServerConfig(route, parked), ifMatch: current.etag });
  });
}

async function removeRoute(admin: AdminClient, id: string): Promise<boolean> {
  const current = await readRoute(admin, id);
  if (current.raw === null) return false;
  await admin.call(`removing route ${JSON.stringify(id)}`, { method: "DELETE", path: serverPath(id) });
  return true;
}

async function listRoutes(admin: AdminClient): Promise<LiveRoute[]> {
  const { value } = await admin.read(SERVERS_PATH);
  return Object.entries(asObject(value))
    .flatMap(([name, server]) => fromServerConfig(name, server) ?? [])
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** One config change for all routes: servers that are not Slipway's are copied through untouched. */
async function reconcileRoutes(admin: AdminClient, adminPort: number, routes: readonly Route[]): Promise<ReconcileReport> {
  for (const route of routes) checkRoute(route, adminPort);
  const duplicates = duplicateIds(routes);
  if (duplicates.length > 0) {
    throw new SlipwayError("PROXY_FAILED", `route ids must be unique; repeated: ${duplicates.join(", ")}`, {
      hint: "give each service and environment its own route id",
    });
  }
  return retryOnConflict(async () => {
    const { value, etag } = await admin.read(SERVERS_PATH);
    const servers = asObject(value);
    const live = Object.entries(servers).flatMap(([name, server]) => fromServerConfig(name, server) ?? []);
    const plan = planReconcile(routes, live);
    const report = { set: plan.set.map((r) => r.id), removed: [...plan.remove], unchanged: [...plan.unchanged] };
    if (plan.set.length === 0 && plan.remove.length === 0) return report;
    const inFlight = inFlightByAddress(await readUpstreamStatus(admin));
    const next: Record<string, unknown> = { ...servers };
    for (const id of plan.remove) delete next[serverName(id)];
    for (const route of plan.set) {
      const previous = servers[serverName(route.id)];
      const parked = nextParked(
        live.find((r) => r.id === route.id),
        parkedUpstreams(previous),
        route.upstreams,
        inFlight,
      );
      next[serverName(route.id)] = toServerConfig(route, parked);
    }
    const what = `reconciling routes (set ${report.set.join(", ") || "none"}; remove ${report.removed.join(", ") || "none"})`;
    if (value === null) await admin.call(what, { method: "PUT", path: SERVERS_PATH, body: next });
    else await admin.call(what, { method: "PATCH", path: SERVERS_PATH, body: next, ifMatch: etag });
    return report;
  });
}

interface RouteRead {
  readonly raw: unknown;
  readonly live: LiveRoute | undefined;
  readonly etag: string | undefined;
}

async function readRoute(admin: AdminClient, id: string): Promise<RouteRead> {
  const { value, etag } = await admin.read(serverPath(id));
  return { raw: value, live: value === null ? undefined : fromServerConfig(serverName(id), value), etag };
}

function serverPath(id: string): string {
  return `${SERVERS_PATH}/${encodeURIComponent(serverName(id))}`;
}

/** Refuses invalid routes, and routes on the admin API's own port: Caddy would share that socket between both. */
function checkRoute(route: Route, adminPort: number): void {
  assertValidRoute(route);
  if (route.listen.port !== adminPort) return;
  throw new SlipwayError("PROXY_FAILED", `route ${JSON.stringify(route.id)} would listen on port ${adminPort}, the proxy's own admin port`, {
    hint: "publish the service on another port, or run the proxy's admin API on another address",
  });
}

async function retryOnConflict<T>(change: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await change();
    } catch (error) {
      if (!isConflict(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
}
