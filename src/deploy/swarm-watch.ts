/**
 * Whether a Swarm update has settled, from what the swarm says of it: the service's
 * UpdateStatus and every task's state. Pure: the watch loop (src/deploy) reads the swarm,
 * asks this, and waits or acts. Slipway follows an update to the end, unlike peers that call
 * `service update` and report success (Dokploy#3987), and on failure applies its own last good
 * spec instead of Swarm's one-step rollback.
 */

/** One task as the Engine API lists it (GET /tasks), reduced to what the verdict needs. */
export interface ObservedTask {
  readonly id: string;
  readonly node: string;
  /** dev.slipway.revision of its container spec; undefined for a task Slipway did not make. */
  readonly revision?: number;
  /** Status.State: new, pending, assigned, accepted, preparing, starting, running, complete, shutdown, failed, rejected, orphaned, remove. */
  readonly state: string;
  /** DesiredState: running, or shutdown once Swarm replaces it. */
  readonly desired: string;
  /** Status.Err, when it failed. */
  readonly error?: string;
}

export interface UpdateObservation {
  /** UpdateStatus.State; absent on a service never updated (just created). */
  readonly updateState?: string;
  readonly updateMessage?: string;
  readonly tasks: readonly ObservedTask[];
}

export type UpdateVerdict =
  | { readonly kind: "progressing"; readonly running: number; readonly wanted: number; readonly others: number }
  | { readonly kind: "settled" }
  | { readonly kind: "failed"; readonly reason: string };

const FAILED_STATES = new Set(["failed", "rejected", "orphaned"]);

/**
 * The verdict on an update to `target`: failed when Swarm paused it or a task of the new revision
 * failed (its error named), or when it has not settled by the deadline; settled when exactly the
 * wanted replicas of the new revision run (a task with a health check runs only once healthy) and
 * no task of another revision is meant to run; progressing otherwise, with the counts.
 */
export function updateVerdict(
  observed: UpdateObservation,
  target: { readonly revision: number; readonly replicas: number },
  elapsedMs: number,
  deadlineMs: number,
): UpdateVerdict {
  const state = observed.updateState;
  if (state === "paused" || state?.startsWith("rollback_") === true) {
    return {
      kind: "failed",
      reason: `Swarm ${state === "paused" ? "paused the update" : `rolled it back (${state})`}: ${observed.updateMessage ?? "no reason given"}`,
    };
  }
  const mine = observed.tasks.filter((t) => t.revision === target.revision);
  const failed = mine.find((t) => FAILED_STATES.has(t.state));
  if (failed !== undefined)
    return { kind: "failed", reason: `a task of revision ${target.revision} on ${failed.node} ${failed.state}: ${failed.error ?? "no error given"}` };
  const running = mine.filter((t) => t.state === "running" && t.desired === "running").length;
  const others = observed.tasks.filter((t) => t.revision !== target.revision && t.desired === "running" && t.state === "running").length;
  const done = state === undefined || state === "completed";
  if (done && running === target.replicas && others === 0) return { kind: "settled" };
  if (elapsedMs >= deadlineMs) {
    return {
      kind: "failed",
      reason: `not settled within ${Math.round(deadlineMs / 1000)} s: ${running} of ${target.replicas} replicas of revision ${target.revision} running, ${others} of other revisions`,
    };
  }
  return { kind: "progressing", running, wanted: target.replicas, others };
}

/** Which nodes run the service's tasks of a revision, and on which tasks are down: what `status` shows per node. */
export function tasksByNode(tasks: readonly ObservedTask[]): Map<string, ObservedTask[]> {
  const byNode = new Map<string, ObservedTask[]>();
  for (const task of tasks.filter((t) => t.desired === "running")) byNode.set(task.node, [...(byNode.get(task.node) ?? []), task]);
  return byNode;
}

/** A node as status shows it: its name, whether it is up, and the tasks of the service meant to run there. */
export interface NodeStatus {
  readonly node: string;
  /** ready, down, unknown, disconnected (as the manager sees it). */
  readonly state: string;
  readonly tasks: readonly { readonly id: string; readonly revision?: number; readonly state: string }[];
}

/**
 * Where a service runs on a swarm, node by node: every node (a node with none of its tasks
 * too, so a node that went down shows), and the tasks meant to run on each. A node that is
 * down keeps no task meant to run once the manager has rescheduled them.
 */
export function statusByNode(
  nodes: readonly { readonly id: string; readonly name: string; readonly state: string }[],
  tasks: readonly ObservedTask[],
): NodeStatus[] {
  const byNode = tasksByNode(tasks);
  return nodes.map((node) => ({
    node: node.name,
    state: node.state,
    tasks: (byNode.get(node.id) ?? byNode.get(node.name) ?? []).map((t) => ({
      id: t.id,
      state: t.state,
      ...(t.revision === undefined ? {} : { revision: t.revision }),
    })),
  }));
}
