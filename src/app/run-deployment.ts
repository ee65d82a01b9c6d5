import { deployService, describeHosts, hostList, type DeployResult, type HostReport, type ServiceSpec } from "../deploy/index.js";
import type { Engine } from "../engine/index.js";
import type { NotifyEventInput } from "../notify/index.js";
import type { RevisionRecord, Store } from "../store/index.js";
import { createDeployPorts, createFleetPorts } from "./deploy-ports.js";
import type { DeployHost } from "./fleet-hosts.js";
import { attempt, type Attempt } from "./attempt.js";
import { RELEASE_NOTES_STEP, releaseNotesDetail, type ReleaseNotes } from "./release-notes.js";
import type { ReleaseNotesReader } from "./release-notes-reader.js";

/** What a deployment runs on, whoever asked for it (CLI, API, pipeline). */
export interface DeploymentContext {
  /** The engine of the service's environment. */
  readonly engine: Engine;
  /** The engine images are built on, to copy an image from when `engine` cannot pull it. */
  readonly imageSource?: (() => Promise<Engine>) | undefined;
  readonly store: Store;
  readonly stateDir: string;
  readonly proxyAdmin?: string | undefined;
  readonly notify?: ((event: NotifyEventInput) => void) | undefined;
  /** Reads the commits between the running image and the new one (release notes); without it, deployments carry none. */
  readonly releaseNotes?: ReleaseNotesReader | undefined;
  /** Several hosts (the environment's hosts:): the service runs on each, rolled out host by host; `engine` then only records. */
  readonly fleet?: { readonly hosts: readonly DeployHost[]; readonly parallel: number } | undefined;
}

export interface DeploymentRequest {
  readonly spec: ServiceSpec;
  /** "cli", "api:<token>", "pipeline:12", "rollback", "down" */
  readonly trigger: string;
  readonly force?: boolean;
  readonly waitMs?: number;
  /** Deploy this stored revision again (a rollback). */
  readonly revision?: RevisionRecord;
  readonly dryRun?: boolean;
  /** How the notification names what happened; "deploy" unless given. */
  readonly verb?: "deploy" | "rollback" | "down";
  /** Whether to announce the outcome (the controller's pipelines announce their own). */
  readonly announce?: boolean;
}

/** A deployment's result; a new revision of an image Slipway built has the commits it brings (release notes). */
export type DeploymentResult = DeployResult & { readonly notes?: ReleaseNotes };

/**
 * The one way a service is deployed: the deploy ports made the same way, every deployment
 * recorded and audited by the deploy engine, and its outcome returned as an Attempt (a failed
 * or rolled-back deployment with its record) and announced in the same words.
 */
export async function runDeployment(context: DeploymentContext, request: DeploymentRequest, log: (line: string) => void): Promise<Attempt<DeploymentResult>> {
  const { spec } = request;
  const outcome = await attempt(context.store, spec, async () => {
    const common = {
      engine: context.engine,
      store: context.store,
      stateDir: context.stateDir,
      spec,
      log,
      proxyAdmin: context.proxyAdmin,
      imageSource: context.imageSource,
    };
    const ports =
      context.fleet === undefined ? await createDeployPorts(common) : await createFleetPorts({ ...common, ...context.fleet, pull: request.dryRun !== true });
    return deployService(ports, {
      spec,
      trigger: request.trigger,
      force: request.force === true,
      waitMs: request.waitMs ?? 0,
      ...(request.revision === undefined ? {} : { revision: request.revision }),
      ...(request.dryRun === true ? { dryRun: true } : {}),
    });
  });
  const notes = outcome.ok && (request.verb ?? "deploy") === "deploy" ? await recordReleaseNotes(context, outcome.value, log) : undefined;
  const result: Attempt<DeploymentResult> = outcome.ok && notes !== undefined ? { ok: true, value: { ...outcome.value, notes } } : outcome;
  if (request.announce !== false) announce(context, request, result);
  return result;
}

/**
 * The release notes of a new revision that replaced another, kept as the deployment's last
 * step (RELEASE_NOTES_STEP, its detail the notes) for `slipway history`. Best effort: a
 * deployment that succeeded stays succeeded whatever git or the store say here.
 */
async function recordReleaseNotes(context: DeploymentContext, result: DeployResult, log: (line: string) => void): Promise<ReleaseNotes | undefined> {
  if (result.status !== "succeeded" || context.releaseNotes === undefined) return undefined;
  const { deployment } = result;
  if (deployment.fromRevision === undefined || deployment.fromRevision === deployment.toRevision) return undefined;
  try {
    const [running, next] = await Promise.all([
      context.store.getRevision(deployment.service, deployment.environment, deployment.fromRevision),
      context.store.getRevision(deployment.service, deployment.environment, deployment.toRevision),
    ]);
    if (running === undefined || next === undefined) return undefined;
    const notes = await context.releaseNotes(context.engine, running, next);
    if (notes === undefined) return undefined;
    const step = await context.store.startStep(deployment.id, RELEASE_NOTES_STEP, { from: running.revision, to: next.revision });
    await context.store.finishStep(deployment.id, step.seq, { status: "done", detail: { from: running.revision, to: next.revision, ...notes } });
    return notes;
  } catch (error) {
    log(`release notes could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function announce(context: DeploymentContext, request: DeploymentRequest, outcome: Attempt<DeploymentResult>): void {
  const { service, environment, image } = request.spec;
  const verb = request.verb ?? "deploy";
  if (outcome.ok && outcome.value.status === "succeeded") {
    const title =
      verb === "down"
        ? `Took ${service} down in ${environment}`
        : verb === "rollback"
          ? `Rolled ${service} in ${environment} back to revision ${outcome.value.revision} (${image})`
          : `Deployed ${service} ${image} to ${environment}${onHosts(outcome.value.hosts)}`;
    context.notify?.({
      event: verb === "rollback" ? "rollback" : "deploy",
      title,
      subject: service,
      environment,
      outcome: "succeeded",
      detail: {
        revision: outcome.value.revision,
        trigger: request.trigger,
        ...releaseNotesDetail(outcome.value.notes),
        ...(outcome.value.hosts === undefined ? {} : { hosts: describeHosts(outcome.value.hosts) }),
      },
    });
  } else if (!outcome.ok && outcome.deployment !== undefined) {
    context.notify?.({
      event: "rollback",
      title: `Deploy of ${service} ${image} to ${environment} failed; the old revision kept serving`,
      subject: service,
      environment,
      outcome: "rolled-back",
      detail: { deployment: outcome.deployment.id, error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error) },
    });
  }
}

/** " on a, b and c" for the hosts a deployment updated (and " (skipped: d)"); "" on one engine. */
function onHosts(hosts: readonly HostReport[] | undefined): string {
  if (hosts === undefined) return "";
  const updated = hosts.filter((h) => h.outcome === "updated" || h.outcome === "unchanged" || h.outcome === "repaired").map((h) => h.host);
  const skipped = hosts.filter((h) => h.outcome === "skipped").map((h) => h.host);
  return ` on ${hostList(updated)}${skipped.length === 0 ? "" : ` (skipped, not reachable: ${hostList(skipped)})`}`;
}
