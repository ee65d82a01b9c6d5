import type { HealthResult, DeployPorts } from "./ports.js";
import {
  collectLogs,
  createReplicas,
  removeReplicas,
  startReplicas,
  stopReplicas,
  switchTraffic,
  type Replica,
} from "./replicas.js";
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
  /** The current revision's spec, to bring back replicas a rolling update already retired. */
  readonly previous?: { readonly spec: ServiceSpec; readonly revision: number; readonly specHash: string };
}

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
    createReplicas(ports, spec, identity(ctx), replicaNumbers(spec.replicas)),
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
    createReplicas(ports, spec, identity(ctx), replicaNumbers(spec.replicas)),
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
 * route, and only then is the same number of old replicas drained and removed.
 */
export async function rolling(ctx: RolloutContext): Promise<RolloutOutcome> {
  const { ports, spec, steps } = ctx;
  const numbers = replicaNumbers(spec.replicas);
  let remainingOld = ctx.old.filter((r) => r.running);
  const staleOld = ctx.old.filter((r) => !r.running);
  const live: Replica[] = [];
  for (let start = 0, batch = 1; start < numbers.length; start += spec.update.batch, batch += 1) {
    const wanted = numbers.slice(start, start + spec.update.batch);
    const created = await steps.run(`create:${batch}`, { revision: ctx.revision, replicas: wanted }, () =>
      createReplicas(ports, spec, identity(ctx), wanted),
    );
    const failure = await startAndCheck(ctx, created, `:${batch}`);
    if (failure !== undefined) {
      return rollBackRolling(ctx, [...live, ...created], remainingOld, failure);
    }
    live.push(...created);
    const retiring = remainingOld.slice(0, created.length);
    remainingOld = remainingOld.slice(created.length);
    // The last batch also retires every old replica beyond the new count.
    if (start + spec.update.batch >= numbers.length) retiring.push(...remainingOld.splice(0));
    const switchFailure = await trySwitch(ctx, `switch:${batch}`, [...remainingOld, ...live]);
    if (switchFailure !== undefined) return rollBackRolling(ctx, live, [...retiring, ...remainingOld], switchFailure);
    await retire(ctx, retiring, `:${batch}`);
  }
  if (staleOld.length > 0) await steps.run("remove-stale", { containers: staleOld.map((r) => r.name) }, () => removeReplicas(ports.engine, staleOld));
  return { status: "succeeded" };
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
    await steps.run(`drain${suffix}`, { containers: running.map((r) => r.name), ms: spec.update.drainMs }, () => ports.sleep(spec.update.drainMs));
  }
  await steps.run(`stop-old${suffix}`, { containers: running.map((r) => r.name) }, () => stopReplicas(ports.engine, running, spec));
  await steps.run(`remove-old${suffix}`, { containers: replicas.map((r) => r.name) }, () => removeReplicas(ports.engine, replicas));
  ports.log(`retired ${replicas.map((r) => r.name).join(", ")}`);
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
        const restored = await createReplicas(ports, previous.spec, { revision: previous.revision, specHash: previous.specHash, deploymentId: ctx.deploymentId }, missing);
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
