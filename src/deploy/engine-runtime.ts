import { waitDrained } from "../proxy/index.js";
import type { DeployPorts } from "./ports.js";
import {
  collectLogs,
  createReplicas,
  listReplicas,
  removeReplicas,
  routesFor,
  startReplicas,
  stopReplicas,
  switchTraffic,
  trafficRoutedTo,
} from "./replicas.js";
import type { Runtime } from "./runtime.js";

/**
 * How often a drain asks the proxy for in-flight counts, and how long none must be in flight.
 * Caddy counts a request against an upstream only once it dials it; a request the old server
 * config accepted just before the switch may not be counted yet while Caddy is busy reloading
 * (seen under load: 2 of 1085 requests answered 502 with a 50 ms quiet time). 250 ms of none in
 * flight covers that; the drain comes after the switch, so it never delays v2 taking traffic.
 */
const DRAIN_POLL_MS = 20;
const DRAIN_QUIET_MS = 250;

/** One Docker engine, its replicas routed by one Caddy on loopback host ports: the single-host runtime. */
export function createEngineRuntime(ports: Pick<DeployPorts, "engine" | "router" | "health" | "sleep" | "log">): Runtime {
  const { engine, router } = ports;
  return {
    observe: (service, environment) => listReplicas(engine, service, environment),
    create: (spec, identity, replicas, known) => createReplicas(ports, spec, identity, replicas, known),
    start: (replicas) => startReplicas(engine, replicas),
    waitHealthy: (replica, spec, options) => ports.health.waitHealthy(replica, spec, options),
    waitSettled: (replica, spec) => ports.health.waitSettled(replica, spec),
    stop: (replicas, spec) => stopReplicas(engine, replicas, spec),
    remove: (replicas) => removeReplicas(engine, replicas),
    route: (spec, replicas, specOf, fallback) => switchTraffic(ports, spec, replicas, specOf, fallback),
    routed: (spec, replicas, specOf) => trafficRoutedTo(ports, spec, replicas, specOf),
    async hasRoute(spec) {
      if (router === undefined) return false;
      const routes = await routesFor(engine, spec, []);
      const live = await Promise.all(routes.map((route) => router.routeOf(route.id)));
      return live.some((route) => route !== undefined);
    },
    async unroute(spec) {
      if (router === undefined) return false;
      const routes = await routesFor(engine, spec, []);
      const removed = await Promise.all(
        routes.map(async (route) => ((await router.routeOf(route.id)) === undefined ? false : (await router.removeRoute(route.id), true))),
      );
      return removed.some(Boolean);
    },
    async drain(spec, replicas, specOf, ms) {
      const upstreams = (await routesFor(engine, spec, replicas, specOf)).flatMap((r) => r.upstreams);
      if (router?.upstreamStatus === undefined || upstreams.length === 0) return ports.sleep(ms);
      const source = { upstreamStatus: () => router.upstreamStatus?.() ?? Promise.resolve([]) };
      const report = await waitDrained(source, upstreams, { timeoutMs: ms, intervalMs: DRAIN_POLL_MS, quietMs: DRAIN_QUIET_MS });
      if (!report.drained)
        ports.log(
          `drain of ${replicas.map((r) => r.name).join(", ")} ended after ${report.waitedMs} ms with requests in flight: ${JSON.stringify(report.inFlight)}`,
        );
    },
    logs: (replicas) => collectLogs(engine, replicas),
  };
}
