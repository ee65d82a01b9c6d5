/**
 * A deployment as data: the steps a strategy plans over what the runtime observes, each naming
 * the replicas it acts on. Planners are pure (src/deploy/plan-*.ts); the executor
 * (src/deploy/execute-plan.ts) only carries the steps out, recording each before it acts.
 */

/** One container of a service, named by what Slipway labels it with: its revision and replica number. */
export interface ReplicaRef {
  readonly revision: number;
  readonly replica: number;
}

/** What the runtime observes of one replica of a service in an environment. */
export interface ObservedReplica extends ReplicaRef {
  readonly id: string;
  readonly name: string;
  readonly running: boolean;
}

export type DeployStep =
  /** Creates (does not start) these replicas from the revision's spec; a leftover of the same name is replaced. */
  | { readonly kind: "create"; readonly id: string; readonly after: readonly string[]; readonly batch: number; readonly replicas: readonly ReplicaRef[] }
  | { readonly kind: "start"; readonly id: string; readonly after: readonly string[]; readonly batch: number; readonly replicas: readonly ReplicaRef[] }
  /**
   * Waits until every one of these replicas passes its revision's health gate; one that does not
   * fails the plan. The gate includes the settle time unless `settle` is false: then a settle
   * step follows, watched while the replicas already serve.
   */
  | {
      readonly kind: "health";
      readonly id: string;
      readonly after: readonly string[];
      readonly batch: number;
      readonly replicas: readonly ReplicaRef[];
      readonly settle?: false;
    }
  /** Waits until these replicas, which passed their health check, stayed up for their settle time; one that exits or restarts fails the plan. */
  | { readonly kind: "settle"; readonly id: string; readonly after: readonly string[]; readonly batch: number; readonly replicas: readonly ReplicaRef[] }
  /**
   * Points every route of the service at exactly these replicas. `final` marks the switch after
   * which only the new revision serves: a deployment interrupted past it is completed, not undone.
   * `fallback` replicas take the requests `to` cannot (its one replica exited): the old revision
   * while the new one settles.
   */
  | {
      readonly kind: "switch";
      readonly id: string;
      readonly after: readonly string[];
      readonly batch: number;
      readonly to: readonly ReplicaRef[];
      readonly final: boolean;
      readonly fallback?: readonly ReplicaRef[];
    }
  /** Waits until the proxy has nothing in flight to these replicas, at most `update.drain`. */
  | { readonly kind: "drain"; readonly id: string; readonly after: readonly string[]; readonly batch: number; readonly replicas: readonly ReplicaRef[] }
  | { readonly kind: "stop"; readonly id: string; readonly after: readonly string[]; readonly batch: number; readonly replicas: readonly ReplicaRef[] }
  /** Removes containers, never their named volumes. */
  | { readonly kind: "remove"; readonly id: string; readonly after: readonly string[]; readonly batch: number; readonly replicas: readonly ReplicaRef[] }
  /** Removes the service's routes: nothing of it serves any more (`slipway down`, `replicas: 0`). */
  | { readonly kind: "unroute"; readonly id: string; readonly after: readonly string[]; readonly batch: number };

export type StepKind = DeployStep["kind"];

/** What a plan moves to: a revision and how many replicas of it serve. */
export interface Target {
  readonly revision: number;
  readonly replicas: number;
}

/** The settings of a strategy a planner reads (the spec's update settings and published routes). */
export interface PlanSettings {
  /** Rolling: replicas replaced at a time. */
  readonly batch: number;
  /** Whether the drain step is planned (update.drain above 0 and the old revision has routes). */
  readonly drain: boolean;
  /**
   * Whether the old revision can be the proxy's fallback while a new replica settles: the service
   * is reached through the proxy and its health check is an HTTP probe, which the proxy then
   * also runs against the live replica (see planBlueGreen).
   */
  readonly fallback: boolean;
}

export function refKey(ref: ReplicaRef): string {
  return `r${ref.revision}-${ref.replica}`;
}

export function sameRefs(a: readonly ReplicaRef[], b: readonly ReplicaRef[]): boolean {
  const keys = new Set(a.map(refKey));
  return a.length === b.length && b.every((ref) => keys.has(refKey(ref)));
}

export function refsOf(replicas: readonly ReplicaRef[]): ReplicaRef[] {
  return replicas.map(({ revision, replica }) => ({ revision, replica }));
}

export function replicaNumbers(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

export function newRefs(target: Target, numbers: readonly number[] = replicaNumbers(target.replicas)): ReplicaRef[] {
  return numbers.map((replica) => ({ revision: target.revision, replica }));
}

/** A plan for people (`slipway deploy --dry-run`): one line per step. */
export function describePlan(steps: readonly DeployStep[]): string[] {
  return steps.map((step) => `${step.id.padEnd(14)} ${describeStep(step)}`);
}

function describeStep(step: DeployStep): string {
  const names = (refs: readonly ReplicaRef[]): string => (refs.length === 0 ? "(none)" : refs.map(refKey).join(", "));
  switch (step.kind) {
    case "create":
      return `create ${names(step.replicas)}`;
    case "start":
      return `start ${names(step.replicas)}`;
    case "health":
      return `wait until ${names(step.replicas)} pass the health gate${step.settle === false ? " (answer its check; the settle time follows)" : ""}`;
    case "settle":
      return `watch ${names(step.replicas)} stay up for the settle time while serving`;
    case "switch":
      return `route traffic to ${names(step.to)}${step.fallback === undefined ? "" : `, falling back to ${names(step.fallback)} if it cannot be reached`}${step.final ? " (from here on only the new revision serves)" : ""}`;
    case "drain":
      return `let requests in flight to ${names(step.replicas)} finish`;
    case "stop":
      return `stop ${names(step.replicas)}`;
    case "remove":
      return `remove ${names(step.replicas)} (named volumes are kept)`;
    case "unroute":
      return "remove the service's routes from the proxy";
  }
}
