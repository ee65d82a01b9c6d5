import * as z from "zod";
import { SlipwayError } from "../errors/index.js";
import { formatAddress, isHost, isPort, isUpstream, parseAddress } from "./route-address.js";
import type { LiveRoute, Route } from "./types.js";

/** Every Caddy server Slipway owns is named (and @id-tagged) with this prefix and the route id. */
export const SERVER_PREFIX = "slipway-";

const ROUTE_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

/** Active health checks: how often and how patiently Caddy polls `healthPath`. */
const HEALTH_INTERVAL = "2s";
const HEALTH_TIMEOUT = "1s";
/** When a dial fails, Caddy retries other upstreams for this long before answering 502. */
const TRY_DURATION = "5s";
const TRY_INTERVAL = "100ms";
/**
 * With fallbacks, the server's error route re-sends a request to a fallback when the live
 * upstream failed it: any method when nothing reached the upstream (its dial failed), GET and
 * HEAD whatever the failure (they carry no body and may be sent twice).
 */
const NOTHING_SENT = "^(dial tcp|no upstreams available)|connect: connection refused";
const IDEMPOTENT = ["GET", "HEAD"];

/** Every address a route dials: its upstreams, then its fallbacks. */
export function dialled(route: Route): string[] {
  return [...route.upstreams, ...(route.fallbacks ?? [])];
}

export function serverName(id: string): string {
  return `${SERVER_PREFIX}${id}`;
}

export function isRouteServer(name: string): boolean {
  return name.startsWith(SERVER_PREFIX) && ROUTE_ID.test(name.slice(SERVER_PREFIX.length));
}

/** Every reason a route cannot be sent to the proxy; empty when it is valid. */
export function routeProblems(route: Route): string[] {
  const problems: string[] = [];
  if (!ROUTE_ID.test(route.id)) problems.push(`id ${JSON.stringify(route.id)} must be 1-63 letters, digits, '.', '_' or '-'`);
  if (!isPort(route.listen.port)) problems.push(`listen port ${route.listen.port} must be 1-65535`);
  if (route.listen.host !== undefined && !isHost(route.listen.host))
    problems.push(`listen host ${JSON.stringify(route.listen.host)} is not an IP address or host name`);
  if (route.upstreams.length === 0) problems.push("it has no upstreams");
  for (const upstream of dialled(route)) {
    if (!isUpstream(upstream)) problems.push(`upstream ${JSON.stringify(upstream)} is not host:port`);
  }
  if ((route.fallbacks ?? []).length > 0) {
    if (route.upstreams.length !== 1) problems.push(`fallbacks need exactly one live upstream, not ${route.upstreams.length}`);
    if (route.fallbacks?.some((address) => route.upstreams.includes(address))) problems.push("an upstream cannot be its own fallback");
    if (route.healthPath !== undefined) problems.push("a route with fallbacks has no health path: its live upstream is not health-checked");
  }
  if (route.healthPath !== undefined && !/^\/[\x21-\x7e]*$/.test(route.healthPath)) {
    problems.push(`health path ${JSON.stringify(route.healthPath)} must start with / and contain no spaces`);
  }
  return problems;
}

export function assertValidRoute(route: Route): void {
  const problems = routeProblems(route);
  if (problems.length === 0) return;
  throw new SlipwayError("PROXY_FAILED", `the proxy cannot take route ${JSON.stringify(route.id)}: ${problems.join("; ")}`, {
    details: problems,
    hint: "this route comes from the service's ports and its running containers; check the service definition",
  });
}

type CaddyHandler = Record<string, unknown> & { handler: "reverse_proxy" };

/** Answers every response with `Connection: close` (see Route.keepAlive). */
const CLOSE_CONNECTIONS = { handler: "headers", response: { set: { Connection: ["close"] } } } as const;

/**
 * The Caddy server for a route. Route 0 proxies to the live upstreams and is terminal. Route 1,
 * never reached, "parks" upstreams that were just switched away from: it keeps them in Caddy's
 * upstream pool so /reverse_proxy/upstreams still counts their in-flight requests while they drain.
 * With fallbacks, the server's error route proxies to them (fallbackRoute).
 */
export function toServerConfig(route: Route, parked: readonly string[] = []): Record<string, unknown> {
  const fallbacks = route.fallbacks ?? [];
  const routes: Record<string, unknown>[] = [{ terminal: true, handle: withClose(route, liveHandler(route)) }];
  if (parked.length > 0) routes.push({ handle: [{ handler: "reverse_proxy", upstreams: parked.map((dial) => ({ dial })) }] });
  return {
    "@id": serverName(route.id),
    listen: [formatAddress(route.listen)],
    automatic_https: { disable: true },
    routes,
    ...(fallbacks.length === 0 ? {} : { errors: { routes: [fallbackRoute(route, fallbacks)] } }),
  };
}

function withClose(route: Route, handler: CaddyHandler): Record<string, unknown>[] {
  return route.keepAlive === true ? [handler] : [CLOSE_CONNECTIONS, handler];
}

/**
 * Round robin over the live upstreams, retrying a failed dial for TRY_DURATION. With fallbacks
 * the live upstream is tried once, without health checks or retries: a failure goes straight
 * to the error route, so no health mark (which a loaded host can set on a healthy upstream too)
 * decides where a request goes.
 */
function liveHandler(route: Route): CaddyHandler {
  const upstreams = route.upstreams.map((dial) => ({ dial }));
  if ((route.fallbacks ?? []).length > 0) return { handler: "reverse_proxy", upstreams };
  const handler: CaddyHandler = {
    handler: "reverse_proxy",
    upstreams,
    load_balancing: { selection_policy: { policy: "round_robin" }, try_duration: TRY_DURATION, try_interval: TRY_INTERVAL },
  };
  if (route.healthPath !== undefined) handler.health_checks = { active: { uri: route.healthPath, interval: HEALTH_INTERVAL, timeout: HEALTH_TIMEOUT } };
  return handler;
}

/** The error route of a route with fallbacks: a request the live upstream failed, when it may be sent again, goes to a fallback. */
function fallbackRoute(route: Route, fallbacks: readonly string[]): Record<string, unknown> {
  const handler: CaddyHandler = {
    handler: "reverse_proxy",
    upstreams: fallbacks.map((dial) => ({ dial })),
    load_balancing: { selection_policy: { policy: "round_robin" }, try_duration: TRY_DURATION, try_interval: TRY_INTERVAL },
  };
  return {
    match: [{ method: IDEMPOTENT }, { vars_regexp: { "{http.error.message}": { pattern: NOTHING_SENT } } }],
    handle: withClose(route, handler),
    terminal: true,
  };
}

/** Lenient: other fields (added by hand or by newer Caddy versions) are ignored. */
const handlerSchema = z.object({
  handler: z.string(),
  response: z.object({ set: z.record(z.string(), z.array(z.string())).optional() }).optional(),
  upstreams: z.array(z.object({ dial: z.string() })).optional(),
  health_checks: z.object({ active: z.object({ uri: z.string().optional() }).optional() }).optional(),
});
const routesSchema = z.array(z.object({ handle: z.array(handlerSchema).optional() }));
const serverSchema = z.object({
  listen: z.array(z.string()).optional(),
  routes: routesSchema.optional(),
  errors: z.object({ routes: routesSchema.optional() }).optional(),
});
type ServerShape = z.infer<typeof serverSchema>;

/** Reads a Slipway route back from its Caddy server; undefined when the server does not have Slipway's shape. */
export function fromServerConfig(name: string, value: unknown): LiveRoute | undefined {
  if (!isRouteServer(name)) return undefined;
  const server = serverSchema.safeParse(value);
  if (!server.success) return undefined;
  const listen = server.data.listen?.length === 1 && server.data.listen[0] !== undefined ? parseAddress(server.data.listen[0]) : undefined;
  const handler = proxyHandler(server.data.routes, 0);
  if (!listen || !handler) return undefined;
  const healthPath = handler.health_checks?.active?.uri;
  const upstreams = (handler.upstreams ?? []).map((u) => u.dial);
  const fallbacks = (proxyHandler(server.data.errors?.routes, 0)?.upstreams ?? []).map((u) => u.dial);
  const keepAlive = !closesConnections(server.data);
  return {
    id: name.slice(SERVER_PREFIX.length),
    listen,
    upstreams,
    ...(healthPath === undefined ? {} : { healthPath }),
    ...(fallbacks.length === 0 ? {} : { fallbacks }),
    ...(keepAlive ? { keepAlive } : {}),
  };
}

function closesConnections(server: ServerShape): boolean {
  return (server.routes?.[0]?.handle ?? []).some((h) => h.handler === "headers" && h.response?.set?.Connection?.includes("close") === true);
}

/** The upstreams parked in a Slipway server (see toServerConfig). */
export function parkedUpstreams(value: unknown): string[] {
  const server = serverSchema.safeParse(value);
  if (!server.success) return [];
  return (proxyHandler(server.data.routes, 1)?.upstreams ?? []).map((u) => u.dial);
}

function proxyHandler(routes: z.infer<typeof routesSchema> | undefined, index: number): z.infer<typeof handlerSchema> | undefined {
  return routes?.[index]?.handle?.find((h) => h.handler === "reverse_proxy");
}

/**
 * Which upstreams to park when a route moves to `next`: the ones it served until now, and those
 * parked before that still have requests in flight. Never one of the new live upstreams.
 */
export function nextParked(
  previous: LiveRoute | undefined,
  previousParked: readonly string[],
  next: readonly string[],
  inFlight: ReadonlyMap<string, number>,
): string[] {
  const stillBusy = previousParked.filter((address) => (inFlight.get(address) ?? 0) > 0);
  const candidates = [...(previous?.upstreams ?? []), ...(previous?.fallbacks ?? []), ...stillBusy];
  return [...new Set(candidates)].filter((address) => !next.includes(address));
}
