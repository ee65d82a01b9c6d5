import { publishedPort, type ContainerSummary, type Engine } from "../engine/index.js";
import { containerSpecFor } from "./container-spec-for.js";
import { LABEL, revisionOf, routeId, serviceSelector } from "./labels.js";
import type { DeployPorts } from "./ports.js";
import { proxiedPorts, type ServiceSpec } from "./service-spec.js";

export type { ObservedReplica as Replica } from "./plan.js";
import type { ObservedReplica as Replica } from "./plan.js";

/** Every container of a service in an environment that Slipway created, running or not. */
export async function listReplicas(engine: Engine, service: string, environment: string): Promise<Replica[]> {
  const containers = await engine.listContainers({ labels: serviceSelector(service, environment), all: true });
  return containers.map(toReplica).sort((a, b) => a.revision - b.revision || a.replica - b.replica);
}

function toReplica(container: ContainerSummary): Replica {
  return {
    id: container.id,
    name: container.name,
    revision: revisionOf(container.labels) ?? 0,
    replica: Number(container.labels[LABEL.replica] ?? "0"),
    running: container.state === "running" || container.state === "restarting",
  };
}

/** Creates (does not start) replicas `numbers` of a revision; a leftover of the same name is replaced. */
export async function createReplicas(
  ports: Pick<DeployPorts, "engine">,
  spec: ServiceSpec,
  identity: { revision: number; specHash: string; deploymentId: number },
  numbers: readonly number[],
  /** The service's containers when the caller has just listed them (saves a list call). */
  known?: readonly Replica[],
): Promise<Replica[]> {
  const existing = known ?? (await listReplicas(ports.engine, spec.service, spec.environment));
  // All at once: the engine creates (and below, starts) containers concurrently.
  const results = await Promise.allSettled(
    numbers.map(async (replica): Promise<Replica> => {
      const leftover = existing.find((r) => r.revision === identity.revision && r.replica === replica);
      if (leftover !== undefined) await ports.engine.removeContainer(leftover.id, { force: true });
      const containerSpec = containerSpecFor(spec, { ...identity, replica }, ports.engine.replica.bind);
      const id = await ports.engine.createContainer(containerSpec);
      return { id, name: containerSpec.name ?? id, revision: identity.revision, replica, running: false };
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed === undefined) return results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  // Leave nothing half-made behind: the ones that were created are removed again.
  await Promise.all(results.map((r) => (r.status === "fulfilled" ? ports.engine.removeContainer(r.value.id, { force: true }).catch(() => false) : false)));
  throw failed.reason;
}

/** Starts the replicas concurrently; rejects with the first failure once every start has ended. */
export async function startReplicas(engine: Engine, replicas: readonly Replica[]): Promise<void> {
  const results = await Promise.allSettled(replicas.map((replica) => engine.startContainer(replica.id)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed !== undefined) throw failed.reason;
}

export async function stopReplicas(engine: Engine, replicas: readonly Replica[], spec: ServiceSpec): Promise<void> {
  const timeoutSeconds = Math.ceil((spec.stopGracePeriodMs ?? 10_000) / 1000);
  await Promise.all(replicas.map((replica) => engine.stopContainer(replica.id, { timeoutSeconds })));
}

/** Removes containers, never their volumes: named volumes are the service's state. */
export async function removeReplicas(engine: Engine, replicas: readonly Replica[]): Promise<void> {
  await Promise.all(replicas.map((replica) => engine.removeContainer(replica.id, { force: true, volumes: false })));
}

/** The last lines each replica wrote, to keep with a failed deployment's record. */
export async function collectLogs(engine: Engine, replicas: readonly Replica[], lines = 100): Promise<string> {
  const parts: string[] = [];
  for (const replica of replicas) {
    try {
      const { stdout, stderr } = await engine.logs(replica.id, { tail: lines });
      const text = [stdout, stderr].filter((s) => s.trim() !== "").join("\n");
      parts.push(`--- ${replica.name} ---\n${text === "" ? "(no output)" : text.trimEnd()}`);
    } catch {
      parts.push(`--- ${replica.name} --- (logs unavailable)`);
    }
  }
  return parts.join("\n");
}

/**
 * For each proxied port of `spec`, the route id and the addresses of these replicas, each read
 * from its own revision's spec (`specOf`): a rolling update routes two revisions at once.
 */
export async function routesFor(
  engine: Engine,
  spec: ServiceSpec,
  replicas: readonly Replica[],
  specOf: (revision: number) => ServiceSpec = () => spec,
): Promise<RouteTarget[]> {
  const targets: RouteTarget[] = [];
  const ports = proxiedPorts(spec);
  if (ports.length === 0) return targets;
  // One inspect per replica, concurrently, for every port.
  const details = await Promise.all(replicas.map((replica) => engine.inspectContainer(replica.id)));
  for (const port of ports) {
    const upstreams: string[] = [];
    details.forEach((detail, index) => {
      const replica = replicas[index];
      if (detail === undefined || replica === undefined) return;
      const own = proxiedPorts(specOf(replica.revision)).find((p) => p.published === port.published) ?? port;
      const hostPort = publishedPort(detail, own.target, "tcp");
      if (hostPort !== undefined) upstreams.push(formatUpstream(engine.replica.host, hostPort));
    });
    targets.push({
      id: routeId(spec.service, spec.environment, port.published ?? port.target),
      listen: { port: port.published ?? port.target, ...(port.hostIp === undefined ? {} : { host: port.hostIp }) },
      upstreams,
    });
  }
  return targets;
}

export interface RouteTarget {
  readonly id: string;
  readonly listen: { readonly host?: string; readonly port: number };
  readonly upstreams: readonly string[];
}

/**
 * Points every route of the service at exactly these replicas, in one change per route; a route
 * that already forwards to exactly those addresses is left as it is. Says whether one changed.
 */
export async function switchTraffic(
  ports: Pick<DeployPorts, "engine" | "router">,
  spec: ServiceSpec,
  replicas: readonly Replica[],
  specOf?: (revision: number) => ServiceSpec,
  fallback: readonly Replica[] = [],
): Promise<{ changed: boolean }> {
  const routes = await routesFor(ports.engine, spec, replicas, specOf);
  if (routes.length === 0) return { changed: false };
  const router = ports.router;
  if (router === undefined) throw new Error(`service ${spec.service} publishes ports but no proxy is configured`);
  const fallbacks = fallback.length === 0 ? [] : await routesFor(ports.engine, spec, fallback, specOf);
  let changed = false;
  for (const route of routes) {
    if (route.upstreams.length === 0) throw new Error(`no running replica of ${spec.service} publishes port ${route.listen.port}`);
    const wanted = { ...route, fallbacks: fallbacks.find((f) => f.id === route.id)?.upstreams ?? [] };
    if (await router.setRoute(wanted)) changed = true;
  }
  return { changed };
}

/** Whether every route of the service forwards to exactly these replicas' current addresses. */
export async function trafficRoutedTo(
  ports: Pick<DeployPorts, "engine" | "router">,
  spec: ServiceSpec,
  replicas: readonly Replica[],
  specOf?: (revision: number) => ServiceSpec,
): Promise<boolean> {
  const routes = await routesFor(ports.engine, spec, replicas, specOf);
  const router = ports.router;
  if (routes.length === 0 || router === undefined) return true;
  for (const route of routes) if (!sameRouting(await router.routeOf(route.id), { upstreams: route.upstreams, fallbacks: [] })) return false;
  return true;
}

type Routing = { readonly upstreams: readonly string[]; readonly fallbacks?: readonly string[] };

function sameRouting(live: Routing | undefined, wanted: Routing): boolean {
  return live !== undefined && sameAddresses(live.upstreams, wanted.upstreams) && sameAddresses(live.fallbacks ?? [], wanted.fallbacks ?? []);
}

function sameAddresses(live: readonly string[], wanted: readonly string[]): boolean {
  if (live.length !== wanted.length) return false;
  const set = new Set(live);
  return wanted.every((address) => set.has(address));
}

/** host:port as Caddy's upstreams take it, an IPv6 host in brackets. */
function formatUpstream(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
