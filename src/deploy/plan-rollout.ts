import { newRefs, refsOf, replicaNumbers, type DeployStep, type ObservedReplica, type PlanSettings, type ReplicaRef, type Target } from "./plan.js";

/**
 * The rollout planners: pure functions from (target, observed replicas, settings) to steps.
 * `observed` is every container of the service; those of the target revision are leftovers
 * (a create replaces them), the others are the old revision's.
 */
export type RolloutPlanner = (target: Target, observed: readonly ObservedReplica[], settings: PlanSettings) => DeployStep[];

/**
 * Start-first: the new revision starts beside the old, traffic moves only when every new
 * replica is healthy, then the old drains, stops and is removed. The old revision serves throughout.
 *
 * One new replica replacing running ones takes traffic as soon as it answers its check, with the
 * old as the proxy's fallback, and settles while serving: should it exit, the proxy sends each
 * request on to the old one and the plan fails back to it (a rollback); only once it has settled
 * does the final switch drop the fallback. With several new replicas (one proxy fallback cannot
 * cover a share of them), nothing running to fall back to, or no HTTP probe for the proxy to run
 * against the new replica (settings.fallback), the settle time is part of the gate.
 */
export const planBlueGreen: RolloutPlanner = (target, observed, settings) => {
  const fresh = newRefs(target);
  const old = observed.filter((r) => r.revision !== target.revision);
  const running = refsOf(old.filter((r) => r.running));
  const create: DeployStep[] = [
    { kind: "create", id: "create", after: [], batch: 1, replicas: fresh },
    { kind: "start", id: "start", after: ["create"], batch: 1, replicas: fresh },
  ];
  const serveWhileSettling = fresh.length === 1 && running.length > 0 && settings.fallback;
  const gate: DeployStep[] = serveWhileSettling
    ? [
        { kind: "health", id: "health", after: ["start"], batch: 1, replicas: fresh, settle: false },
        { kind: "switch", id: "switch", after: ["health"], batch: 1, to: fresh, final: false, fallback: running },
        { kind: "settle", id: "settle", after: ["switch"], batch: 1, replicas: fresh },
        { kind: "switch", id: "switch-final", after: ["settle"], batch: 1, to: fresh, final: true },
      ]
    : [
        { kind: "health", id: "health", after: ["start"], batch: 1, replicas: fresh },
        { kind: "switch", id: "switch", after: ["health"], batch: 1, to: fresh, final: true },
      ];
  const last = serveWhileSettling ? "switch-final" : "switch";
  return [...create, ...gate, ...retire(last, running, refsOf(old), settings, "")];
};

/**
 * Stop-first, for singletons that must never have two writers: the old containers stop (kept,
 * not removed) before the new ones start; the old are removed only once the new serve.
 */
export const planRecreate: RolloutPlanner = (target, observed) => {
  const fresh = newRefs(target);
  const old = observed.filter((r) => r.revision !== target.revision);
  const running = refsOf(old.filter((r) => r.running));
  return [
    { kind: "create", id: "create", after: [], batch: 1, replicas: fresh },
    { kind: "stop", id: "stop-old", after: ["create"], batch: 1, replicas: running },
    { kind: "start", id: "start", after: ["stop-old"], batch: 1, replicas: fresh },
    { kind: "health", id: "health", after: ["start"], batch: 1, replicas: fresh },
    { kind: "switch", id: "switch", after: ["health"], batch: 1, to: fresh, final: true },
    { kind: "remove", id: "remove-old", after: ["switch"], batch: 1, replicas: refsOf(old) },
  ];
};

/**
 * Replicas replaced `batch` at a time. Batch k is created, started and health-checked beside
 * batch k-1 (at most two batches start at a time: create:k waits for switch:k-2), joins the
 * route (switch:k, after switch:k-1) together with the old replicas not yet replaced, and only
 * then is the same number of old replicas drained, stopped and removed. No old replica leaves
 * the route before its replacement is healthy. The last switch routes to the new revision only.
 */
export const planRolling: RolloutPlanner = (target, observed, settings) => {
  const batches = chunks(replicaNumbers(target.replicas), Math.max(1, settings.batch));
  const old = observed.filter((r) => r.revision !== target.revision);
  const stale = refsOf(old.filter((r) => !r.running));
  let remaining = refsOf(old.filter((r) => r.running));
  const live: ReplicaRef[] = [];
  const steps: DeployStep[] = [];
  for (const [index, numbers] of batches.entries()) {
    const batch = index + 1;
    const fresh = newRefs(target, numbers);
    const last = batch === batches.length;
    const createAfter = batch > 2 ? [`switch:${batch - 2}`] : [];
    steps.push(
      { kind: "create", id: `create:${batch}`, after: createAfter, batch, replicas: fresh },
      { kind: "start", id: `start:${batch}`, after: [`create:${batch}`], batch, replicas: fresh },
      { kind: "health", id: `health:${batch}`, after: [`start:${batch}`], batch, replicas: fresh },
    );
    live.push(...fresh);
    const leaving = last ? remaining : remaining.slice(0, fresh.length);
    remaining = last ? [] : remaining.slice(fresh.length);
    const switchAfter = [`health:${batch}`, ...(batch > 1 ? [`switch:${batch - 1}`] : [])];
    steps.push({ kind: "switch", id: `switch:${batch}`, after: switchAfter, batch, to: [...remaining, ...live], final: last });
    steps.push(...retire(`switch:${batch}`, leaving, leaving, settings, `:${batch}`, batch));
  }
  if (stale.length > 0) {
    const removes = steps.filter((s) => s.kind === "remove").map((s) => s.id);
    steps.push({
      kind: "remove",
      id: "remove-stale",
      after: removes.length > 0 ? removes : [`switch:${batches.length}`],
      batch: batches.length,
      replicas: stale,
    });
  }
  return steps;
};

/** drain (when planned), stop and remove of replicas traffic no longer reaches, after `switchId`. */
function retire(switchId: string, running: readonly ReplicaRef[], all: readonly ReplicaRef[], settings: PlanSettings, suffix: string, batch = 1): DeployStep[] {
  if (all.length === 0) return [];
  const steps: DeployStep[] = [];
  let previous = switchId;
  if (running.length > 0 && settings.drain) {
    steps.push({ kind: "drain", id: `drain${suffix}`, after: [previous], batch, replicas: running });
    previous = `drain${suffix}`;
  }
  steps.push({ kind: "stop", id: `stop-old${suffix}`, after: [previous], batch, replicas: running });
  steps.push({ kind: "remove", id: `remove-old${suffix}`, after: [`stop-old${suffix}`], batch, replicas: all });
  return steps;
}

function chunks(numbers: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < numbers.length; start += size) out.push(numbers.slice(start, start + size));
  return out;
}
