import { SlipwayError, isSlipwayError } from "../errors/index.js";
import type { DeploymentRecord, RevisionRecord } from "../store/index.js";
import { converge, interruptedDirection, planConvergence } from "./converge.js";
import { currentRevision, lastLines, nextRevision, planSettings, runtimeOf, startRecord } from "./deploy-state.js";
import { deployFleetLocked, resumeFleet } from "./fleet-deploy.js";
import type { HostReport } from "./fleet.js";
import { executePlan } from "./execute-plan.js";
import { describePlan, type DeployStep, type ObservedReplica } from "./plan.js";
import type { Runtime, SpecOf } from "./runtime.js";
import { revisionSpec } from "./stored-spec.js";
import { planFor } from "./strategies.js";
import { ensureImage, pruneImages } from "./host-images.js";
import { checkDeployable } from "./deployable.js";
import { acquireDeployLock } from "./deploy-lock.js";
import type { DeployPorts } from "./ports.js";
import { specHash, type ServiceSpec } from "./service-spec.js";
import { StepRunner } from "./steps.js";

export interface DeployRequest {
  readonly spec: ServiceSpec;
  /** "cli", "rollback", "webhook:github", … */
  readonly trigger: string;
  /** Redeploy even when the same spec and image already run. */
  readonly force?: boolean;
  /** Wait this long for another deployment of the service to finish, instead of refusing. */
  readonly waitMs?: number;
  /** Roll back: deploy this existing revision (its recorded spec and image) instead of a new one. */
  readonly revision?: RevisionRecord;
  /** Plan only: say what would be done, touch nothing (no pull, no record, no container). */
  readonly dryRun?: boolean;
}

export type DeployResult =
  /** The same revision runs; `repaired` lists the steps that brought it back to its spec (drift), if any. */
  (
    | { readonly status: "unchanged"; readonly revision: number; readonly repaired?: readonly string[] }
    /** A dry run: the plan, one line per step. */
    | { readonly status: "planned"; readonly revision: number; readonly steps: readonly string[] }
    | { readonly status: "succeeded"; readonly revision: number; readonly deployment: DeploymentRecord }
  ) & {
    /** On several hosts: what happened on each, in rollout order (skipped hosts last). */
    readonly hosts?: readonly HostReport[];
  };

export { currentRevision, runtimeOf };

/**
 * Deploys a service to an environment: one at a time per service and environment (on several
 * hosts, the lock covers them all: src/deploy/fleet-deploy.ts), any
 * interrupted earlier deployment converged first, every step recorded before it acts. A new
 * revision that does not become healthy is rolled back and reported as DEPLOY_FAILED, with
 * the old revision serving throughout.
 */
export async function deployService(ports: DeployPorts, request: DeployRequest): Promise<DeployResult> {
  const spec = request.spec;
  checkDeployable(spec);
  const lock = await acquireDeployLock(ports.store, spec, ports.holder, { waitMs: request.waitMs ?? 0 });
  try {
    if (ports.fleet !== undefined) {
      await resumeFleet(ports, ports.fleet, spec.service, spec.environment);
      return await deployFleetLocked(ports, ports.fleet, request);
    }
    await resumeInterrupted(ports, spec.service, spec.environment);
    return await deployLocked(ports, request);
  } finally {
    await lock.release();
  }
}

async function deployLocked(ports: DeployPorts, request: DeployRequest): Promise<DeployResult> {
  const { store, engine } = ports;
  const runtime = runtimeOf(ports);
  const spec = request.spec;
  const hash = specHash(spec);
  const current = await currentRevision(ports, spec.service, spec.environment);
  const currentSpec = current === undefined ? undefined : revisionSpec(current);
  const observed = await runtime.observe(spec.service, spec.environment);
  const wanted = spec.replicas > 0;
  // Pulled before anything else, so the revision records the image id; a missing image is
  // recorded as a failed deployment below, with nothing stopped.
  let image = wanted ? await engine.inspectImage(spec.image) : undefined;
  let pullError: unknown;
  if (image === undefined && wanted && request.dryRun !== true) {
    try {
      await ensureImage(ports, spec.image);
      image = await engine.inspectImage(spec.image);
    } catch (error) {
      pullError = error;
    }
  }
  const sameAsCurrent = request.revision === undefined && current?.specHash === hash && (!wanted || (image !== undefined && current.imageId === image.id));
  if (request.force !== true && sameAsCurrent && current !== undefined && currentSpec !== undefined) {
    const repaired = await healDrift(ports, runtime, { revision: current.revision, spec: currentSpec }, observed, request.dryRun === true);
    if (request.dryRun === true) return { status: "planned", revision: current.revision, steps: describePlan(repaired) };
    return repaired.length === 0
      ? { status: "unchanged", revision: current.revision }
      : { status: "unchanged", revision: current.revision, repaired: describePlan(repaired) };
  }

  const settings = planSettings(spec);
  if (request.dryRun === true) {
    const next = await nextRevision(store, spec, request.revision);
    return { status: "planned", revision: next, steps: describePlan(planFor(spec, { revision: next, replicas: spec.replicas }, observed, settings)) };
  }
  const { revision, deployment } = await startRecord(ports, {
    spec,
    specHash: hash,
    trigger: request.trigger,
    imageId: image?.id,
    current,
    revision: request.revision,
  });
  const steps = new StepRunner(store, deployment.id, ports.fault);
  ports.log(
    wanted
      ? `deploying ${spec.service} (${spec.environment}) revision ${revision.revision}: ${spec.image}, strategy ${spec.update.strategy}`
      : `taking ${spec.service} (${spec.environment}) down (revision ${revision.revision}: replicas 0)`,
  );
  const specs = new Map<number, ServiceSpec>([[revision.revision, spec]]);
  if (current !== undefined && currentSpec !== undefined) specs.set(current.revision, currentSpec);
  const specOf: SpecOf = (n) => specs.get(n) ?? currentSpec ?? spec;

  let failure: string | undefined;
  let log = "";
  try {
    // The image was pulled above (before the revision was saved); the step records the outcome.
    await steps.run("pull", { image: spec.image }, async () => {
      if (pullError !== undefined) throw pullError;
    });
    const result = await executePlan({
      runtime,
      steps: planFor(spec, { revision: revision.revision, replicas: spec.replicas }, observed, settings),
      spec,
      specOf,
      identityOf: (n) => ({ revision: n, specHash: specHash(specOf(n)), deploymentId: deployment.id }),
      observed,
      recorder: steps,
    });
    // Past the final switch only the new revision serves: the next run completes it (resume forward).
    if (!result.ok && result.pastFinal) throw new Error(`${result.step.id}: ${result.reason}`);
    if (!result.ok) {
      failure = result.reason;
      ports.log(`rolling back: ${failure}`);
      log = await runtime.logs(result.replicas.filter((r) => r.revision === revision.revision));
      const back = current === undefined || currentSpec === undefined ? undefined : { revision: current.revision, spec: currentSpec };
      await steps.run("rollback", { reason: failure, to: back?.revision ?? null }, async () => {
        const undone = await converge({ runtime, target: back, service: spec, deploymentId: deployment.id, specs });
        if (!undone.result.ok) throw new Error(`the previous revision could not be brought back: ${undone.result.reason}`);
      });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const finished = await store.finishDeployment(deployment.id, { status: "failed", error: message });
    await store.appendAudit({
      actor: ports.holder,
      action: "deploy.failed",
      subject: spec.service,
      detail: { environment: spec.environment, deployment: finished.id, error: message },
    });
    if (isSlipwayError(error) && error.code === "IMAGE_NOT_FOUND") {
      throw new SlipwayError("DEPLOY_FAILED", `${spec.service} (${spec.environment}) was not deployed: ${message}`, {
        hint: "check the image reference; nothing was stopped and the current revision keeps serving",
        cause: error,
      });
    }
    throw error;
  }

  if (failure !== undefined) {
    const finished = await store.finishDeployment(deployment.id, { status: "rolled-back", error: failure, log });
    await store.appendAudit({
      actor: ports.holder,
      action: "deploy.rolled-back",
      subject: spec.service,
      detail: { environment: spec.environment, deployment: finished.id, error: failure },
    });
    throw new SlipwayError("DEPLOY_FAILED", `${spec.service} (${spec.environment}) revision ${revision.revision} was rolled back: ${failure}`, {
      details: lastLines(log, 20),
      hint: `the previous revision kept serving; \`slipway history ${spec.service}\` shows deployment ${finished.id} with the failed containers' logs`,
    });
  }
  const finished = await store.finishDeployment(deployment.id, { status: "succeeded" });
  await store.appendAudit({
    actor: ports.holder,
    action: wanted ? "deploy.succeeded" : "deploy.down",
    subject: spec.service,
    detail: { environment: spec.environment, deployment: finished.id, revision: revision.revision },
  });
  if (wanted) await pruneImages(ports, spec).catch(() => undefined);
  return { status: "succeeded", revision: revision.revision, deployment: finished };
}

/**
 * The same revision runs: repairs what drifted from it (a replica missing or stopped, a route
 * dialling an old address, a leftover container), recorded in the audit; returns the plan.
 */
async function healDrift(
  ports: DeployPorts,
  runtime: Runtime,
  target: { revision: number; spec: ServiceSpec },
  observed: readonly ObservedReplica[],
  dryRun: boolean,
): Promise<readonly DeployStep[]> {
  const request = { runtime, target, service: target.spec, deploymentId: 0, observed };
  if (dryRun) return (await planConvergence(request)).steps;
  const { steps, result } = await converge(request);
  if (steps.length === 0) return steps;
  await ports.store.appendAudit({
    actor: ports.holder,
    action: "reconcile",
    subject: target.spec.service,
    detail: { environment: target.spec.environment, revision: target.revision, steps: steps.map((s) => s.id), ok: result.ok },
  });
  if (!result.ok) {
    throw new SlipwayError(
      "DEPLOY_FAILED",
      `${target.spec.service} (${target.spec.environment}) revision ${target.revision} drifted and could not be repaired: ${result.reason}`,
      {
        hint: "`slipway status` shows what runs; `slipway deploy --force` recreates every replica",
      },
    );
  }
  ports.log(`repaired ${target.spec.service} (${target.spec.environment}): ${steps.map((s) => s.id).join(", ")}`);
  return steps;
}

/**
 * Converges deployments of the service that a killed process left running: forward when the
 * new revision already took traffic, else back to the revision before it. Call with the lock held.
 */
export async function resumeInterrupted(ports: DeployPorts, service: string, environment: string): Promise<DeploymentRecord[]> {
  const running = await ports.store.listDeployments({ service, environment, status: "running" });
  const runtime = runtimeOf(ports);
  const resolved: DeploymentRecord[] = [];
  for (const deployment of running.reverse()) {
    await ports.store.takeOverDeployment(deployment.id, ports.holder);
    const target = await ports.store.getRevision(service, environment, deployment.toRevision);
    const previous = deployment.fromRevision === undefined ? undefined : await ports.store.getRevision(service, environment, deployment.fromRevision);
    if (target === undefined) continue;
    const targetSpec = revisionSpec(target);
    const previousSpec = previous === undefined ? undefined : revisionSpec(previous);
    const direction = await interruptedDirection(runtime, deployment, await ports.store.listSteps(deployment.id), targetSpec);
    ports.log(
      `resuming interrupted deployment ${deployment.id} of ${service} (${environment}): ${direction === "forward" ? `completing revision ${target.revision}` : `back to revision ${previous?.revision ?? "none"}`}`,
    );
    const specs = new Map<number, ServiceSpec>([[target.revision, targetSpec]]);
    if (previous !== undefined && previousSpec !== undefined) specs.set(previous.revision, previousSpec);
    const back = previous === undefined || previousSpec === undefined ? undefined : { revision: previous.revision, spec: previousSpec };
    const goal = direction === "forward" ? { revision: target.revision, spec: targetSpec } : back;
    const { result } = await converge({ runtime, target: goal, service: targetSpec, deploymentId: deployment.id, specs });
    if (!result.ok) throw new Error(`interrupted deployment ${deployment.id} could not be converged: ${result.reason}`);
    resolved.push(await ports.store.finishDeployment(deployment.id, resumedOutcome(direction, goal !== undefined)));
  }
  return resolved;
}

function resumedOutcome(direction: "forward" | "back", hadPrevious: boolean): { status: "succeeded" | "rolled-back" | "failed"; error: string } {
  if (direction === "forward") return { status: "succeeded", error: "interrupted; completed by a later run" };
  if (hadPrevious) return { status: "rolled-back", error: "interrupted before the new revision took traffic; rolled back by a later run" };
  return { status: "failed", error: "interrupted before the first revision was healthy; its containers were removed" };
}
