import { SlipwayError, isSlipwayError } from "../errors/index.js";
import type { DeploymentRecord, RevisionRecord } from "../store/index.js";
import { convergeTo, interruptedDirection } from "./converge.js";
import { checkDeployable } from "./deployable.js";
import { acquireDeployLock } from "./deploy-lock.js";
import type { DeployPorts } from "./ports.js";
import { listReplicas } from "./replicas.js";
import { blueGreen, recreate, rolling, type RolloutContext, type RolloutOutcome } from "./rollout.js";
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
}

export type DeployResult =
  | { readonly status: "unchanged"; readonly revision: number }
  | { readonly status: "succeeded"; readonly revision: number; readonly deployment: DeploymentRecord };

/**
 * Deploys a service to an environment: one at a time per service and environment, any
 * interrupted earlier deployment converged first, every step recorded before it acts. A new
 * revision that does not become healthy is rolled back and reported as DEPLOY_FAILED, with
 * the old revision serving throughout.
 */
export async function deployService(ports: DeployPorts, request: DeployRequest): Promise<DeployResult> {
  const spec = request.spec;
  checkDeployable(spec);
  const lock = await acquireDeployLock(ports.store, spec, ports.holder, { waitMs: request.waitMs ?? 0 });
  try {
    await resumeInterrupted(ports, spec.service, spec.environment);
    return await deployLocked(ports, request);
  } finally {
    await lock.release();
  }
}

async function deployLocked(ports: DeployPorts, request: DeployRequest): Promise<DeployResult> {
  const { store, engine } = ports;
  const spec = request.spec;
  const hash = specHash(spec);
  const current = await currentRevision(ports, spec.service, spec.environment);
  const replicas = await listReplicas(engine, spec.service, spec.environment);
  // Pulled before anything else, so the revision records the image id; a missing image is
  // recorded as a failed deployment below, with nothing stopped.
  let image = await engine.inspectImage(spec.image);
  let pullError: unknown;
  if (image === undefined) {
    try {
      await ensureImage(ports, spec.image);
      image = await engine.inspectImage(spec.image);
    } catch (error) {
      pullError = error;
    }
  }
  if (
    request.force !== true &&
    request.revision === undefined &&
    current !== undefined &&
    current.specHash === hash &&
    image !== undefined &&
    current.imageId === image.id &&
    replicas.filter((r) => r.revision === current.revision && r.running).length === spec.replicas
  ) {
    return { status: "unchanged", revision: current.revision };
  }

  const revision =
    request.revision ??
    (await store.saveRevision({
      service: spec.service,
      environment: spec.environment,
      image: spec.image,
      spec: spec as unknown as Record<string, unknown>,
      specHash: hash,
      ...(image === undefined ? {} : { imageId: image.id }),
    }));
  const deployment = await store.startDeployment({
    service: spec.service,
    environment: spec.environment,
    toRevision: revision.revision,
    ...(current === undefined ? {} : { fromRevision: current.revision }),
    strategy: spec.update.strategy,
    trigger: request.trigger,
    holder: ports.holder,
  });
  await store.appendAudit({
    actor: ports.holder,
    action: "deploy.start",
    subject: spec.service,
    detail: { environment: spec.environment, deployment: deployment.id, revision: revision.revision, image: spec.image },
  });
  const steps = new StepRunner(store, deployment.id, ports.fault);
  ports.log(`deploying ${spec.service} (${spec.environment}) revision ${revision.revision}: ${spec.image}, strategy ${spec.update.strategy}`);

  let outcome: RolloutOutcome;
  try {
    // The image was pulled above (before the revision was saved); the step records the outcome.
    await steps.run("pull", { image: spec.image }, async () => {
      if (pullError !== undefined) throw pullError;
    });
    const context: RolloutContext = {
      ports,
      spec,
      revision: revision.revision,
      specHash: hash,
      deploymentId: deployment.id,
      steps,
      old: replicas.filter((r) => r.revision !== revision.revision),
      existing: replicas,
      ...(current === undefined ? {} : { previous: { spec: current.spec as unknown as ServiceSpec, revision: current.revision, specHash: current.specHash } }),
    };
    outcome = await (spec.update.strategy === "recreate" ? recreate : spec.update.strategy === "rolling" ? rolling : blueGreen)(context);
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

  if (outcome.status === "rolled-back") {
    const finished = await store.finishDeployment(deployment.id, { status: "rolled-back", error: outcome.error, log: outcome.log });
    await store.appendAudit({
      actor: ports.holder,
      action: "deploy.rolled-back",
      subject: spec.service,
      detail: { environment: spec.environment, deployment: finished.id, error: outcome.error },
    });
    throw new SlipwayError("DEPLOY_FAILED", `${spec.service} (${spec.environment}) revision ${revision.revision} was rolled back: ${outcome.error}`, {
      details: lastLines(outcome.log, 20),
      hint: `the previous revision kept serving; \`slipway history ${spec.service}\` shows deployment ${finished.id} with the failed containers' logs`,
    });
  }
  const finished = await store.finishDeployment(deployment.id, { status: "succeeded" });
  await store.appendAudit({
    actor: ports.holder,
    action: "deploy.succeeded",
    subject: spec.service,
    detail: { environment: spec.environment, deployment: finished.id, revision: revision.revision },
  });
  await pruneImages(ports, spec).catch(() => undefined);
  return { status: "succeeded", revision: revision.revision, deployment: finished };
}

/** The revision that serves: the target of the last deployment that succeeded. */
export async function currentRevision(ports: Pick<DeployPorts, "store">, service: string, environment: string): Promise<RevisionRecord | undefined> {
  const [last] = await ports.store.listDeployments({ service, environment, status: "succeeded", limit: 1 });
  if (last === undefined) return undefined;
  return ports.store.getRevision(service, environment, last.toRevision);
}

/**
 * Converges deployments of the service that a killed process left running: forward when the
 * new revision already took traffic, else back to the revision before it. Call with the lock held.
 */
export async function resumeInterrupted(ports: DeployPorts, service: string, environment: string): Promise<DeploymentRecord[]> {
  const running = await ports.store.listDeployments({ service, environment, status: "running" });
  const resolved: DeploymentRecord[] = [];
  for (const deployment of running.reverse()) {
    await ports.store.takeOverDeployment(deployment.id, ports.holder);
    const target = await ports.store.getRevision(service, environment, deployment.toRevision);
    const previous = deployment.fromRevision === undefined ? undefined : await ports.store.getRevision(service, environment, deployment.fromRevision);
    if (target === undefined) continue;
    const targetSpec = target.spec as unknown as ServiceSpec;
    const direction = await interruptedDirection(ports, deployment, targetSpec);
    ports.log(
      `resuming interrupted deployment ${deployment.id} of ${service} (${environment}): ${direction === "forward" ? `completing revision ${target.revision}` : `back to revision ${previous?.revision ?? "none"}`}`,
    );
    if (direction === "forward") {
      await convergeTo(ports, targetSpec, target.revision, deployment.id);
      resolved.push(await ports.store.finishDeployment(deployment.id, { status: "succeeded", error: "interrupted; completed by a later run" }));
    } else if (previous !== undefined) {
      await convergeTo(ports, previous.spec as unknown as ServiceSpec, previous.revision, deployment.id);
      resolved.push(
        await ports.store.finishDeployment(deployment.id, {
          status: "rolled-back",
          error: "interrupted before the new revision took traffic; rolled back by a later run",
        }),
      );
    } else {
      const leftovers = (await listReplicas(ports.engine, service, environment)).filter((r) => r.revision === deployment.toRevision);
      await Promise.all(leftovers.map((r) => ports.engine.removeContainer(r.id, { force: true })));
      resolved.push(
        await ports.store.finishDeployment(deployment.id, {
          status: "failed",
          error: "interrupted before the first revision was healthy; its containers were removed",
        }),
      );
    }
  }
  return resolved;
}

async function ensureImage(ports: DeployPorts, ref: string): Promise<void> {
  if ((await ports.engine.inspectImage(ref)) !== undefined) return;
  ports.log(`pulling ${ref}`);
  const credentials = await ports.credentialsFor?.(ref);
  await ports.engine.pull(ref, credentials === undefined ? {} : { credentials });
}

/** Keeps the images of the last `keep` revisions for an offline rollback; removes older ones not in use. */
async function pruneImages(ports: DeployPorts, spec: ServiceSpec): Promise<void> {
  const revisions = await ports.store.listRevisions(spec.service, spec.environment, { limit: 100 });
  const kept = new Set(revisions.slice(0, spec.update.keep).map((r) => r.image));
  for (const old of revisions.slice(spec.update.keep)) {
    if (kept.has(old.image)) continue;
    await ports.engine.removeImage(old.image).catch(() => false);
  }
}

function lastLines(text: string, count: number): string[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(-count);
}
