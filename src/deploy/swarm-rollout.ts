import type { SwarmApi, SwarmNode } from "../engine/index.js";
import type { DeploymentRecord, Store } from "../store/index.js";
import { revisionOf } from "./labels.js";
import { StepRunner } from "./steps.js";
import type { ServiceSpec } from "./service-spec.js";
import { swarmServiceName, swarmServiceSpec, type SwarmOptions } from "./swarm-spec.js";
import { statusByNode, updateVerdict, type NodeStatus, type UpdateObservation, type UpdateVerdict } from "./swarm-watch.js";

/** A revision as a Swarm rollout applies it. */
export interface SwarmRevision {
  readonly spec: ServiceSpec;
  readonly revision: number;
  readonly specHash: string;
}

export interface SwarmRolloutPorts {
  readonly swarm: SwarmApi;
  readonly store: Pick<Store, "startDeployment" | "finishDeployment" | "startStep" | "finishStep">;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How often the swarm is asked how the update goes. Default 250 ms. */
  readonly pollMs?: number;
}

export interface SwarmRolloutRequest {
  readonly target: SwarmRevision;
  /** The revision that served before, applied again when the target fails (Slipway's own last-known-good, not Swarm's PreviousSpec). */
  readonly lastGood?: SwarmRevision;
  readonly options: SwarmOptions;
  readonly trigger: string;
  readonly holder: string;
}

export interface SwarmRolloutResult {
  readonly deployment: DeploymentRecord;
  readonly status: "succeeded" | "rolled-back" | "failed";
  /** Why the target did not settle, in the swarm's words. */
  readonly reason?: string;
}

/**
 * What the swarm says of a service's update: its UpdateStatus and its tasks, each with the
 * revision its container spec carries and the node it is on. An UpdateStatus that started at `before` is the previous
 * update's (the manager has not begun the new one yet): it is left out.
 */
export async function observeSwarmService(swarm: SwarmApi, name: string, before?: string): Promise<UpdateObservation> {
  const [service, tasks, nodes] = await Promise.all([swarm.inspectService(name), swarm.listTasks({ service: name }), swarm.listNodes()]);
  const nodeName = nodeNames(nodes);
  const stale = service?.updateStartedAt !== undefined && service.updateStartedAt === before;
  return {
    ...(service?.updateState === undefined || stale ? {} : { updateState: service.updateState }),
    ...(service?.updateMessage === undefined || stale ? {} : { updateMessage: service.updateMessage }),
    tasks: tasks.map((t) => {
      const revision = revisionOf(t.labels);
      return {
        id: t.id,
        node: nodeName.get(t.node) ?? t.node,
        state: t.state,
        desired: t.desired,
        ...(t.error === undefined ? {} : { error: t.error }),
        ...(revision === undefined ? {} : { revision }),
      };
    }),
  };
}

/**
 * One deployment on Swarm, recorded step by step like every other: the target revision is applied
 * as the service's spec (created on first deploy), and followed until it settles or fails. On
 * failure the last good revision is applied again as a new update and followed in turn, so the
 * service ends on a revision Slipway knows is good, and the record says why.
 */
export async function rolloutOnSwarm(ports: SwarmRolloutPorts, request: SwarmRolloutRequest): Promise<SwarmRolloutResult> {
  const { swarm, store } = ports;
  const { target, lastGood } = request;
  const name = swarmServiceName(target.spec.service, target.spec.environment);
  const deployment = await store.startDeployment({
    service: target.spec.service,
    environment: target.spec.environment,
    toRevision: target.revision,
    ...(lastGood === undefined ? {} : { fromRevision: lastGood.revision }),
    strategy: target.spec.update.strategy,
    trigger: request.trigger,
    holder: request.holder,
  });
  const steps = new StepRunner(store, deployment.id, undefined);
  const apply = (revision: SwarmRevision) => applyRevision(swarm, name, revision, deployment.id, request.options);
  const watch = (revision: SwarmRevision, before: string | undefined) => watchUpdate(ports, name, revision, before);
  const reasonOf = (verdict: UpdateVerdict): string | undefined => (verdict.kind === "failed" ? verdict.reason : undefined);
  try {
    const before = await steps.run("apply", { revision: target.revision, service: name }, () => apply(target));
    const verdict = await steps.run("watch", { revision: target.revision, replicas: target.spec.replicas }, () => watch(target, before), reasonOf);
    if (verdict.kind === "settled") return { deployment: await store.finishDeployment(deployment.id, { status: "succeeded" }), status: "succeeded" };
    const reason = reasonOf(verdict) ?? "it did not settle";
    if (lastGood === undefined) {
      return { deployment: await store.finishDeployment(deployment.id, { status: "failed", error: reason }), status: "failed", reason };
    }
    const paused = await steps.run("restore", { revision: lastGood.revision }, () => apply(lastGood));
    const restored = await steps.run(
      "watch-restore",
      { revision: lastGood.revision, replicas: lastGood.spec.replicas },
      () => watch(lastGood, paused),
      reasonOf,
    );
    const error =
      restored.kind === "settled"
        ? `revision ${target.revision} failed: ${reason}; revision ${lastGood.revision} serves again`
        : `revision ${target.revision} failed: ${reason}; restoring revision ${lastGood.revision} failed too: ${reasonOf(restored) ?? ""}`;
    return {
      deployment: await store.finishDeployment(deployment.id, { status: restored.kind === "settled" ? "rolled-back" : "failed", error }),
      status: restored.kind === "settled" ? "rolled-back" : "failed",
      reason,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await store.finishDeployment(deployment.id, { status: "failed", error: message });
    throw error;
  }
}

/** Creates the service, or applies the revision as a new update of the version the manager holds now; when the update status before it started (to tell it from the new one's). */
async function applyRevision(swarm: SwarmApi, name: string, revision: SwarmRevision, deploymentId: number, options: SwarmOptions): Promise<string | undefined> {
  const spec = swarmServiceSpec(revision.spec, { revision: revision.revision, specHash: revision.specHash, deploymentId }, options);
  const current = await swarm.inspectService(name);
  if (current === undefined) await swarm.createService({ ...spec });
  else await swarm.updateService(current.id, current.version, { ...spec });
  return current?.updateStartedAt;
}

/** Asks the swarm until the update of `revision` settles or fails; the deadline is the revision's health deadline plus its replicas' start, at least a minute. */
async function watchUpdate(ports: SwarmRolloutPorts, name: string, revision: SwarmRevision, before: string | undefined): Promise<UpdateVerdict> {
  const now = ports.now ?? Date.now;
  const sleep = ports.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadlineMs = Math.max(
    60_000,
    revision.spec.health.deadlineMs * Math.max(1, Math.ceil(revision.spec.replicas / Math.max(1, revision.spec.update.batch))),
  );
  const started = now();
  for (;;) {
    const verdict = updateVerdict(
      await observeSwarmService(ports.swarm, name, before),
      { revision: revision.revision, replicas: revision.spec.replicas },
      now() - started,
      deadlineMs,
    );
    if (verdict.kind !== "progressing") return verdict;
    await sleep(ports.pollMs ?? 250);
  }
}

/** A service's tasks on the swarm, node by node, every node named (a node that is down included). */
export async function swarmServiceStatus(swarm: SwarmApi, service: string, environment: string): Promise<NodeStatus[]> {
  const name = swarmServiceName(service, environment);
  const [tasks, nodes] = await Promise.all([swarm.listTasks({ service: name }), swarm.listNodes()]);
  const nodeName = nodeNames(nodes);
  return statusByNode(
    nodes.map((n) => ({ id: n.id, name: nodeName.get(n.id) ?? n.id, state: n.state })),
    tasks.map((t) => {
      const revision = revisionOf(t.labels);
      return { id: t.id, node: t.node, state: t.state, desired: t.desired, ...(revision === undefined ? {} : { revision }) };
    }),
  );
}

/** Each node's name for people: its host name where those are unique (they are not when nodes share a machine), else its ID. */
function nodeNames(nodes: readonly SwarmNode[]): Map<string, string> {
  const unique = new Set(nodes.map((n) => n.hostname)).size === nodes.length;
  return new Map(nodes.map((n) => [n.id, unique && n.hostname !== "" ? n.hostname : n.id]));
}
