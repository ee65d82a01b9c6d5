import { SlipwayError } from "../errors/index.js";
import { createAdminClient, isMissingPath, type AdminChannel, type AdminClient } from "./admin-client.js";
import { parseAdminAddress } from "./admin-address.js";
import { serialised } from "./change-queue.js";
import { retryOnConflict } from "./conflict-retry.js";
import { ensureHttpApp } from "./http-app.js";
import { duplicateIds, planReconcile, sameRoute, sameSet } from "./reconcile-plan.js";
import { assertValidRoute, dialled, fromServerConfig, nextParked, parkedUpstreams, serverName, toServerConfig } from "./route-config.js";
import { formatAddress } from "./route-address.js";
import { inFlightByAddress, readUpstreamStatus } from "./upstream-status.js";
import type { LiveRoute, Proxy, ReconcileReport, Route } from "./types.js";

const SERVERS_PATH = "/config/apps/http/servers";

/** Connects to Caddy's admin API at `adminUrl` (e.g. http://127.0.0.1:2019); PROXY_UNREACHABLE when it does not answer. */
export async function connectProxy(adminUrl: string): Promise<Proxy> {
  const address = parseAdminAddress(adminUrl);
  const admin = createAdminClient(address.url);
  await admin.read("/config/");
  return createProxy(admin, address.port);
}

/**
 * Connects to a Caddy whose admin API is reached through `channel` (e.g. a host's engine);
 * `name` says which proxy it is in messages. PROXY_UNREACHABLE when it does not answer.
 */
export async function connectProxyThrough(name: string, channel: AdminChannel): Promise<Proxy> {
  const address = parseAdminAddress(`http://${channel.adminAddress}`);
  const admin = createAdminClient(name, channel);
  await admin.read("/config/");
  return createProxy(admin, address.port);
}

/**
 * Changes are read-modify-write with Caddy's ETag (If-Match). Within this process they are queued
 * per admin URL, so services deploying at once never race each other; a change that still loses a
 * race (to another process, or to a person editing Caddy) is re-read and retried with a jittered
 * backoff until a deadline (conflict-retry.ts). A Caddy with no HTTP app yet gets one on the first change.
 */
function createProxy(admin: AdminClient, adminPort: number): Proxy {
  const change = <T>(work: () => Promise<T>): Promise<T> => serialised(admin.url, () => retryOnConflict(work));
  return {
    adminUrl: admin.url,
    setRoute: async (route) => {
      checkRoute(route, adminPort);
      return change(() => setRoute(admin, route));
    },
    removeRoute: (id) => change(() => removeRoute(admin, id)),
    listRoutes: () => listRoutes(admin),
    reconcileRoutes: async (routes) => {
      checkRoutes(routes, adminPort);
      return change(() => reconcileRoutes(admin, routes));
    },
    upstreamsOf: async (id) => (await readRoute(admin, id)).live?.upstreams.slice(),
    routeOf: async (id) => (await readRoute(admin, id)).live,
    upstreamStatus: () => readUpstreamStatus(admin),
  };
}

/**
 * One try: read the route (and in-flight counts), then create it or replace it if unchanged since
 * the read. A route the proxy already holds as asked, with nothing parked to let go, is left
 * alone: false, and no change is made.
 */
async function setRoute(admin: AdminClient, route: Route): Promise<boolean> {
  const path = serverPath(route.id);
  const fallbacks = (route.fallbacks ?? []).length === 0 ? "" : `, falling back to ${route.fallbacks?.join(", ")}`;
  const what = `route ${JSON.stringify(route.id)} (listen ${formatAddress(route.listen)} -> ${route.upstreams.join(", ")}${fallbacks})`;
  // Both reads at once: a switch is one round trip for them and one for the change.
  const [current, status] = await Promise.all([readRoute(admin, route.id, { init: true }), readUpstreamStatus(admin)]);
  if (current.raw === null) {
    await admin.call(what, { method: "PUT", path, body: toServerConfig(route) });
    return true;
  }
  const inFlight = inFlightByAddress(status);
  const wasParked = parkedUpstreams(current.raw);
  const parked = nextParked(current.live, wasParked, dialled(route), inFlight);
  if (current.live !== undefined && sameRoute(current.live, route) && sameSet(wasParked, parked)) return false;
  await admin.call(what, { method: "PATCH", path, body: toServerConfig(route, parked), ifMatch: current.etag });
  return true;
}

async function removeRoute(admin: AdminClient, id: string): Promise<boolean> {
  const current = await readRoute(admin, id);
  if (current.raw === null) return false;
  await admin.call(`removing route ${JSON.stringify(id)}`, {
    method: "DELETE",
    path: serverPath(id),
    ...(current.etag === undefined ? {} : { ifMatch: current.etag }),
  });
  return true;
}

async function listRoutes(admin: AdminClient): Promise<LiveRoute[]> {
  const { value } = await readServers(admin);
  return Object.entries(asObject(value))
    .flatMap(([name, server]) => fromServerConfig(name, server) ?? [])
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** One config change for all routes: servers that are not Slipway's are copied through untouched. */
async function reconcileRoutes(admin: AdminClient, routes: readonly Route[]): Promise<ReconcileReport> {
  const { value, etag } = await readServers(admin, { init: routes.length > 0 });
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
      dialled(route),
      inFlight,
    );
    next[serverName(route.id)] = toServerConfig(route, parked);
  }
  const what = `reconciling routes (set ${report.set.join(", ") || "none"}; remove ${report.removed.join(", ") || "none"})`;
  if (value === null) await admin.call(what, { method: "PUT", path: SERVERS_PATH, body: next });
  else await admin.call(what, { method: "PATCH", path: SERVERS_PATH, body: next, ifMatch: etag });
  return report;
}

interface RouteRead {
  readonly raw: unknown;
  readonly live: LiveRoute | undefined;
  readonly etag: string | undefined;
}

async function readRoute(admin: AdminClient, id: string, options: ReadOptions = {}): Promise<RouteRead> {
  const { value, etag } = await readPath(admin, serverPath(id), options);
  return { raw: value, live: value === null ? undefined : fromServerConfig(serverName(id), value), etag };
}

function readServers(admin: AdminClient, options: ReadOptions = {}): Promise<{ value: unknown; etag: string | undefined }> {
  return readPath(admin, SERVERS_PATH, options);
}

interface ReadOptions {
  /** Give a Caddy without an HTTP app one (a change is about to add a server), instead of reading "none". */
  readonly init?: boolean;
}

/** Reads a path under the HTTP app; null when the app (or the value) is not there. */
async function readPath(admin: AdminClient, path: string, options: ReadOptions): Promise<{ value: unknown; etag: string | undefined }> {
  try {
    return await admin.read(path);
  } catch (error) {
    if (!isMissingPath(error)) throw error;
    if (options.init !== true) return { value: null, etag: undefined };
  }
  await ensureHttpApp(admin);
  return admin.read(path);
}

function serverPath(id: string): string {
  return `${SERVERS_PATH}/${encodeURIComponent(serverName(id))}`;
}

function checkRoutes(routes: readonly Route[], adminPort: number): void {
  for (const route of routes) checkRoute(route, adminPort);
  const duplicates = duplicateIds(routes);
  if (duplicates.length === 0) return;
  throw new SlipwayError("PROXY_FAILED", `route ids must be unique; repeated: ${duplicates.join(", ")}`, {
    hint: "give each service and environment its own route id",
  });
}

/** Refuses invalid routes, and routes on the admin API's own port: Caddy would share that socket between both. */
function checkRoute(route: Route, adminPort: number): void {
  assertValidRoute(route);
  if (route.listen.port !== adminPort) return;
  throw new SlipwayError("PROXY_FAILED", `route ${JSON.stringify(route.id)} would listen on port ${adminPort}, the proxy's own admin port`, {
    hint: "publish the service on another port, or run the proxy's admin API on another address",
  });
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
}
