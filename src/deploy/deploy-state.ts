import type { DeploymentRecord, RevisionRecord } from "../store/index.js";
import { createEngineRuntime } from "./engine-runtime.js";
import type { DeployPorts } from "./ports.js";
import type { Runtime } from "./runtime.js";
import type { PlanSettings } from "./plan.js";
import { servesWhileSettling, type ServiceSpec } from "./service-spec.js";

/** What every deploy path reads first: the runtime it acts on and the revision that serves. */

/** The runtime a deployment runs on: the one given, else the single engine and its proxy. */
export function runtimeOf(ports: DeployPorts): Runtime {
  return ports.runtime ?? createEngineRuntime(ports);
}

/** The revision that serves: the target of the last deployment that succeeded. */
export async function currentRevision(ports: Pick<DeployPorts, "store">, service: string, environment: string): Promise<RevisionRecord | undefined> {
  const [last] = await ports.store.listDeployments({ service, environment, status: "succeeded", limit: 1 });
  if (last === undefined) return undefined;
  return ports.store.getRevision(service, environment, last.toRevision);
}

/** The last `count` non-empty lines of a log, for an error's details. */
export function lastLines(text: string, count: number): string[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(-count);
}

/** How a strategy plans the service's rollout: its batch, whether it drains, whether the old revision backs the new one while it settles. */
export function planSettings(spec: ServiceSpec): PlanSettings {
  return { batch: spec.update.batch, drain: spec.update.drainMs > 0, fallback: servesWhileSettling(spec) };
}

/** The revision a dry run would deploy: the rollback's stored one, else the next number. */
export async function nextRevision(store: DeployPorts["store"], spec: ServiceSpec, rollback: RevisionRecord | undefined): Promise<number> {
  return rollback?.revision ?? ((await store.listRevisions(spec.service, spec.environment, { limit: 1 }))[0]?.revision ?? 0) + 1;
}

/**
 * What every deployment records before it acts: the revision (a new one saved, or the stored one
 * of a rollback), the running deployment from the current revision to it, and its deploy.start
 * audit entry (with `audit` added to its detail).
 */
export async function startRecord(
  ports: Pick<DeployPorts, "store" | "holder">,
  input: {
    readonly spec: ServiceSpec;
    readonly specHash: string;
    readonly trigger: string;
    readonly imageId?: string | undefined;
    readonly current?: RevisionRecord | undefined;
    /** A rollback's stored revision, deployed again. */
    readonly revision?: RevisionRecord | undefined;
    readonly audit?: Readonly<Record<string, unknown>>;
  },
): Promise<{ revision: RevisionRecord; deployment: DeploymentRecord }> {
  const { spec, current } = input;
  const revision =
    input.revision ??
    (await ports.store.saveRevision({
      service: spec.service,
      environment: spec.environment,
      image: spec.image,
      spec: spec as unknown as Record<string, unknown>,
      specHash: input.specHash,
      ...(input.imageId === undefined ? {} : { imageId: input.imageId }),
    }));
  const deployment = await ports.store.startDeployment({
    service: spec.service,
    environment: spec.environment,
    toRevision: revision.revision,
    ...(current === undefined ? {} : { fromRevision: current.revision }),
    strategy: spec.replicas > 0 ? spec.update.strategy : "down",
    trigger: input.trigger,
    holder: ports.holder,
  });
  await ports.store.appendAudit({
    actor: ports.holder,
    action: "deploy.start",
    subject: spec.service,
    detail: { environment: spec.environment, deployment: deployment.id, revision: revision.revision, image: spec.image, ...input.audit },
  });
  return { revision, deployment };
}
