import { newRefs, refsOf, replicaNumbers, type DeployStep, type ObservedReplica, type Target } from "./plan.js";

export interface ConvergeInput {
  /** The revision that should serve, or undefined when nothing should (a first deployment undone). */
  readonly target: Target | undefined;
  readonly observed: readonly ObservedReplica[];
  /** Whether every route already points at exactly the target's running replicas, at their current addresses. */
  readonly routed: boolean;
  /** Whether the service has routes at all (it publishes TCP ports behind the proxy). */
  readonly hasRoutes: boolean;
  readonly drain: boolean;
}

/**
 * Makes `target` the only revision of a service that runs: its replicas exist, run and are
 * healthy, every route points at them, and every other container of the service is gone. New
 * and restarted replicas pass the health gate before the route moves, so what serves keeps
 * serving. The same plan completes an interrupted deployment, undoes a failed one, repairs
 * drift (the reconcile loop) and, with zero replicas, takes a service down. Empty when nothing
 * is to do.
 */
export function planConverge(input: ConvergeInput): DeployStep[] {
  const { target, observed } = input;
  if (target === undefined || target.replicas === 0) return planDown(input);
  const mine = observed.filter((r) => r.revision === target.revision && r.replica <= target.replicas);
  const others = observed.filter((r) => !mine.includes(r));
  const have = new Set(mine.map((r) => r.replica));
  const missing = newRefs(
    target,
    replicaNumbers(target.replicas).filter((n) => !have.has(n)),
  );
  const stopped = refsOf(mine.filter((r) => !r.running));
  const toStart = [...stopped, ...missing];
  const steps: DeployStep[] = [];
  let last: string[] = [];
  if (missing.length > 0) {
    steps.push({ kind: "create", id: "create", after: [], batch: 1, replicas: missing });
    last = ["create"];
  }
  if (toStart.length > 0) {
    steps.push({ kind: "start", id: "start", after: last, batch: 1, replicas: toStart });
    steps.push({ kind: "health", id: "health", after: ["start"], batch: 1, replicas: toStart });
    last = ["health"];
  }
  if (input.hasRoutes && (toStart.length > 0 || !input.routed)) {
    steps.push({ kind: "switch", id: "switch", after: last, batch: 1, to: newRefs(target), final: true });
    last = ["switch"];
  }
  if (others.length > 0) {
    const running = refsOf(others.filter((r) => r.running));
    // The route just moved off them (an interrupted deployment's other revision, a stray replica
    // that served): let what is in flight to them finish before they stop.
    if (running.length > 0 && input.drain && last.includes("switch")) {
      steps.push({ kind: "drain", id: "drain", after: last, batch: 1, replicas: running });
      last = ["drain"];
    }
    if (running.length > 0) steps.push({ kind: "stop", id: "stop-old", after: last, batch: 1, replicas: running });
    steps.push({ kind: "remove", id: "remove-old", after: running.length > 0 ? ["stop-old"] : last, batch: 1, replicas: refsOf(others) });
  }
  return steps;
}

/** Nothing serves: the routes go first, then every container drains, stops and is removed. */
function planDown(input: ConvergeInput): DeployStep[] {
  const running = refsOf(input.observed.filter((r) => r.running));
  const steps: DeployStep[] = [];
  let last: string[] = [];
  if (input.hasRoutes) {
    steps.push({ kind: "unroute", id: "unroute", after: [], batch: 1 });
    last = ["unroute"];
  }
  if (running.length > 0 && input.hasRoutes && input.drain) {
    steps.push({ kind: "drain", id: "drain", after: last, batch: 1, replicas: running });
    last = ["drain"];
  }
  if (running.length > 0) {
    steps.push({ kind: "stop", id: "stop-old", after: last, batch: 1, replicas: running });
    last = ["stop-old"];
  }
  if (input.observed.length > 0) steps.push({ kind: "remove", id: "remove-old", after: last, batch: 1, replicas: refsOf(input.observed) });
  return steps;
}
