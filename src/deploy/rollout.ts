import type { HealthResult, DeployPorts } from "./ports.js";
import { collectLogs, createReplicas, removeReplicas, startReplicas, stopReplicas, routesFor, switchTraffic, type Replica } from "./replicas.js";
import { waitDrained } from "../proxy/index.js";
import type { ServiceSpec } from "./service-spec.js";
import type { StepRunner } from "./steps.js";

export interface RolloutContext {
  readonly ports: DeployPorts;
  readonly spec: ServiceSpec;
  readonly revision: number;
  readonly specHash: string;
  readonly deploymentId: number;
  readonly steps: StepRunner;
  /** The containers serving now (the current revision), and any leftovers of earlier ones. */
  readonly old: readonly Replica[];
  /**
   * Every container of the service as listed when the deployment began (the lock is held, so
   * only this deployment changes them): what `create` checks for leftovers of the same name.
   */
  readonly existing?: readonly Replica[];
  /** The current revision's spec, to bring back replicas a rolling update already retired. */
  readonly previous?: { readonly spec: ServiceSpec; readonly revision: number; readonly specHash: string };
}

/**
 * How often a drain asks the proxy for in-flight counts, and how long none must be in flight.
 * Caddy counts a request against an upstream only once it dials it; a request the old server
 * config accepted just before the switch may not be counted yet while Caddy is busy reloading
 * (seen under load: 2 of 1085 requests answered 502 with a 50 ms quiet time). 250 ms of none in
 * flight covers that; the drain comes after the switch, so it never delays v2 taking traffic.
 */
const DRAIN_POLL_MS = 20;
const DRAIN_QUIET_MS = 250;

export type RolloutOutcome = { readonly status: "succeeded" } | { readonly status: "rolled-back"; readonly error: string; readonly log: string };

export function replicaNumbers(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

/**
 * Start-first: the new revision starts beside the old, traffic moves only when every new
 * replica is healthy, then the old drains and stops. The old revision serves throughout.
 */
export async function blueGreen(ctx: RolloutContext): Promise<RolloutOutcome> {
  const { ports, spec, steps } = ctx;
  const created = await steps.run("create", { revision: ctx.revision, replicas: spec.replicas }, () =>
    createReplicas(ports, spec, identity(ctx), replicaNumbers(spec.replicas), ctx.existing),
  );
  ports.log(`started ${created.map((r) => r.name).join(", ")}`);
  const failure = await startAndCheck(ctx, created);
  if (failure !== undefined) return rollBackNew(ctx, created, failure, { restoreRoutes: false });
  const switchFailure = await trySwitch(ctx, "switch", created);
  if (switchFailure !== undefined) return rollBackNew(ctx, created, switchFailure, { restoreRoutes: true, restart: ctx.old.filter((r) => r.running) });
  await retire(ctx, ctx.old);
  return { status: "succeeded" };
}

/**
 * Stop-first, for singletons that must never have two writers: the old containers stop
 * (kept, not removed) before the new start; if the new one is not healthy, it is removed
 * and the old ones start again.
 */
export async function recreate(ctx: RolloutContext): Promise<RolloutOutcome> {
  const { ports, spec, steps } = ctx;
  const created = await steps.run("create", { revision: ctx.revision, replicas: spec.replicas }, () =>
    createReplicas(ports, spec, identity(ctx), replicaNumbers(spec.replicas), ctx.existing),
  );
  const running = ctx.old.filter((r) => r.running);
  await steps.run("stop-old", { containers: running.map((r) => r.name) }, () => stopReplicas(ports.engine, running, spec));
  const failure = await startAndCheck(ctx, created);
  if (failure !== undefined) return rollBackNew(ctx, created, failure, { restoreRoutes: true, restart: running });
  const switchFailure = await trySwitch(ctx, "switch", created);
  if (switchFailure !== undefined) return rollBackNew(ctx, created, switchFailure, { restoreRoutes: true, restart: running });
  await steps.run("remove-old", { containers: ctx.old.map((r) => r.name) }, () => removeReplicas(ports.engine, ctx.old));
  return { status: "succeeded" };
}

/**
 * Replicas replaced `update.batch` at a time: each batch starts, must be healthy, joins the
 * route, and only then is the same number of old replicas drained and removed. The next batch
 * is created and started beside the current one (at most two batches are starting at a time),
 * and a retired batch drains and stops while the next one joins the route: no old replica
 * leaves the route before its replacement is healthy.
 */
export async function rolling(ctx: RolloutContext): Promise<RolloutOutcome> {
  const { ports, spec, steps } = ctx;
  const batches = chunks(replicaNumbers(spec.replicas), spec.update.batch);
  let remainingOld = ctx.old.filter((r) => r.running);
  const staleOld = ctx.old.filter((r) => !r.running);
  const live: Replica[] = [];
  const launches = batches.map((): Promise<Launched> | undefined => undefined);
  const launch = (index: number): void => {
    const wanted = batches[index];
    if (wanted !== undefined && launches[index] === undefined) launches[index] = launchBatch(ctx, wanted, index + 1);
  };
  const retiring: Promise<void>[] = [];
  // A failed batch takes every new replica with it, those of a batch still starting included.
  const rollBack = async (error: string, old: readonly Replica[]): Promise<RolloutOutcome> => {
    const started = await Promise.all(launches.map((l) => l ?? Promise.resolve({ created: [] })));
    await Promise.allSettled(retiring);
    const created = [...new Set([...live, ...started.flatMap((l) => l.created)])];
    return rollBackRolling(ctx, created, old, error);
  };
  launch(0);
  launch(1);
  for (let index = 0; index < batches.length; index += 1) {
    const batch = index + 1;
    const { created, failure } = await (launches[index] ?? launchBatch(ctx, batches[index] ?? [], batch));
    if (failure !== undefined) return rollBack(failure, remainingOld);
    live.push(...created);
    const leaving = remainingOld.slice(0, created.length);
    remainingOld = remainingOld.slice(created.length);
    // The last batch also retires every old replica beyond the new count.
    if (index === batches.length - 1) leaving.push(...remainingOld.splice(0));
    const switchFailure = await trySwitch(ctx, `switch:${batch}`, [...remainingOld, ...live]);
    if (switchFailure !== undefined) return rollBack(switchFailure, [...leaving, ...remainingOld]);
    launch(index + 2);
    retiring.push(retire(ctx, leaving, `:${batch}`));
  }
  await Promise.all(retiring);
  if (staleOld.length > 0) await steps.run("remove-stale", { containers: staleOld.map((r) => r.name) }, () => removeReplicas(ports.engine, staleOld));
  return { status: "succeeded" };
}

interface Launched {
  readonly created: readonly Replica[];
  readonly failure?: string;
}

/** create:N, start:N and health:N of one batch; never rejects (a failure is the reason to roll back). */
async function launchBatch(ctx: RolloutContext, wanted: readonly number[], batch: number): Promise<Launched> {
  const { ports, spec, steps } = ctx;
  let created: Replica[];
  try {
    created = await steps.run(`create:${batch}`, { revision: ctx.revision, replicas: wanted }, () =>
      createReplicas(ports, spec, identity(ctx), wanted, ctx.existing),
    );
  } catch (error) {
    return { created: [], failure: `the new containers could not be created: ${errorText(error)}` };
  }
  const failure = await startAndCheck(ctx, created, `:${batch}`);
  return failure === undefined ? { created } : { created, failure };
}

function chunks(numbers: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < numbers.length; start += Math.max(1, size)) out.push(numbers.slice(start, start + Math.max(1, size)));
  return out;
}

function identity(ctx: RolloutContext): { revision: number; specHash: string; deploymentId: number } {
  return { revision: ctx.revision, specHash: ctx.specHash, deploymentId: ctx.deploymentId };
}

/** Starts replicas and waits for all to be healthy; returns why not, or undefined. */
async function startAndCheck(ctx: RolloutContext, replicas: readonly Replica[], suffix = ""): Promise<string | undefined> {
  const { ports, spec, steps } = ctx;
  try {
    await steps.run(`start${suffix}`, { containers: replicas.map((r) => r.name) }, () => startReplicas(ports.engine, replicas));
  } catch (error) {
    return `the new container did not start: ${errorText(error)}`;
  }
  let results: { replica: Replica; result: HealthResult }[];
  try {
    results = await steps.run(`health${suffix}`, { containers: replicas.map((r) => r.name), deadlineMs: spec.health.deadlineMs }, () =>
      Promise.all(replicas.map(async (replica) => ({ replica, result: await ports.health.waitHealthy(replica, spec) }))),
    );
  } catch (error) {
    return `the new container's health could not be checked: ${errorText(error)}`;
  }
  const failed = results.find((r): r is { replica: Replica; result: Extract<HealthResult, { healthy: false }> } => !r.result.healthy);
  if (failed === undefined) {
    ports.log(`healthy: ${replicas.map((r) => r.name).join(", ")}`);
    return undefined;
  }
  // The health gate's detail says what happened ("exited with code 3 after 0.3 s", "not healthy within 5 s; the last probe: HTTP 404").
  const { reason, detail } = failed.result;
  return `${failed.replica.name} ${reason === "unhealthy" ? `is not healthy: ${detail}` : detail}`;
}

/** The switch step; a proxy that refuses or fails the change is a reason to roll back, like a failed health check. */
async function trySwitch(ctx: RolloutContext, name: string, replicas: readonly Replica[]): Promise<string | undefined> {
  try {
    await ctx.steps.run(name, { to: replicas.map((r) => r.name) }, () => switchTraffic(ctx.ports, ctx.spec, replicas));
    return undefined;
  } catch (error) {
    return `traffic could not be switched to the new revision: ${errorText(error)}`;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function retire(ctx: RolloutContext, replicas: readonly Replica[], suffix = ""): Promise<void> {
  const { ports, spec, steps } = ctx;
  if (replicas.length === 0) return;
  const running = replicas.filter((r) => r.running);
  if (running.length > 0 && spec.update.drainMs > 0) {
    await steps.run(`drain${suffix}`, { containers: running.map((r) => r.name), ms: spec.update.drainMs }, () => drain(ctx, running));
  }
  await steps.run(`stop-old${suffix}`, { containers: running.map((r) => r.name) }, () => stopReplicas(ports.engine, running, spec));
  await steps.run(`remove-old${suffix}`, { containers: replicas.map((r) => r.name) }, () => removeReplicas(ports.engine, replicas));
  ports.log(`retired ${replicas.map((r) => r.name).join(", ")}`);
}

/**
 * Until the proxy has no request in flight to these (retired) replicas, at most
 * `update.drainMs`; the whole time when the proxy cannot tell or the service has no route.
 */
async function drain(ctx: RolloutContext, replicas: readonly Replica[]): Promise<void> {
  const { ports, spec } = ctx;
  const router = ports.router;
  // The retired replicas are the previous revision's: its spec says their ports.
  const upstreams = (await routesFor(ports.engine, ctx.previous?.spec ?? spec, replicas)).flatMap((r) => r.upstreams);
  if (router?.upstreamStatus === undefined || upstreams.length === 0) return ports.sleep(spec.update.drainMs);
  const source = { upstreamStatus: () => router.upstreamStatus?.() ?? Promise.resolve([]) };
  const report = await waitDrained(source, upstreams, { timeoutMs: spec.update.drainMs, intervalMs: DRAIN_POLL_MS, quietMs: DRAIN_QUIET_MS });
  if (!report.drained)
    ports.log(
      `drain of ${replicas.map((r) => r.name).join(", ")} ended after ${report.waitedMs} ms with requests in flight: ${JSON.stringify(report.inFlight)}`,
    );
}

async function rollBackNew(
  ctx: RolloutContext,
  created: readonly Replica[],
  error: string,
  options: { restoreRoutes: boolean; restart?: readonly Replica[] },
): Promise<RolloutOutcome> {
  const { ports, spec, steps } = ctx;
  ports.log(`rolling back: ${error}`);
  const log = await collectLogs(ports.engine, created);
  await steps.run("rollback", { remove: created.map((r) => r.name), reason: error }, async () => {
    try {
      if (options.restart !== undefined && options.restart.length > 0) {
        await startReplicas(ports.engine, options.restart);
        // The old replicas are the previous revision's: its spec says their routes.
        if (options.restoreRoutes) await switchTraffic(ports, ctx.previous?.spec ?? spec, options.restart);
      }
    } finally {
      await removeReplicas(ports.engine, created);
    }
  });
  return { status: "rolled-back", error, log };
}

async function rollBackRolling(ctx: RolloutContext, created: readonly Replica[], remainingOld: readonly Replica[], error: string): Promise<RolloutOutcome> {
  const { ports, steps } = ctx;
  ports.log(`rolling back: ${error}`);
  const log = await collectLogs(ports.engine, created);
  await steps.run("rollback", { remove: created.map((r) => r.name), reason: error }, async () => {
    const previous = ctx.previous;
    let serving = [...remainingOld];
    if (serving.length > 0) await switchTraffic(ports, previous?.spec ?? ctx.spec, serving);
    // Bring back the old replicas the update already retired, from the old revision's spec.
    if (previous !== undefined) {
      const have = new Set(serving.map((r) => r.replica));
      const missing = replicaNumbers(previous.spec.replicas).filter((n) => !have.has(n));
      if (missing.length > 0) {
        const restored = await createReplicas(
          ports,
          previous.spec,
          { revision: previous.revision, specHash: previous.specHash, deploymentId: ctx.deploymentId },
          missing,
        );
        await startReplicas(ports.engine, restored);
        await Promise.all(restored.map((r) => ports.health.waitHealthy(r, previous.spec)));
        serving = [...serving, ...restored];
        await switchTraffic(ports, previous.spec, serving);
      }
    }
    await removeReplicas(ports.engine, created);
  });
  return { status: "rolled-back", error, log };
}
