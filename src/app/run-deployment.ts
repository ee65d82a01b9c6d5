import { deployService, type DeployResult, type ServiceSpec } from "../deploy/index.js";
import type { Engine } from "../engine/index.js";
import type { NotifyEventInput } from "../notify/index.js";
import type { RevisionRecord, Store } from "../store/index.js";
import { createDeployPorts } from "./deploy-ports.js";
import { attempt, type Attempt } from "./attempt.js";

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

/**
 * The one way a service is deployed: the deploy ports made the same way, every deployment
 * recorded and audited by the deploy engine, and its outcome returned as an Attempt (a failed
 * or rolled-back deployment with its record) and announced in the same words.
 */
export async function runDeployment(context: DeploymentContext, request: DeploymentRequest, log: (line: string) => void): Promise<Attempt<DeployResult>> {
  const { spec } = request;
  const outcome = await attempt(context.store, spec, async () => {
    const ports = await createDeployPorts({
      engine: context.engine,
      store: context.store,
      stateDir: context.stateDir,
      spec,
      log,
      proxyAdmin: context.proxyAdmin,
      imageSource: context.imageSource,
    });
    return deployService(ports, {
      spec,
      trigger: request.trigger,
      force: request.force === true,
      waitMs: request.waitMs ?? 0,
      ...(request.revision === undefined ? {} : { revision: request.revision }),
      ...(request.dryRun === true ? { dryRun: true } : {}),
    });
  });
  if (request.announce !== false) announce(context, request, outcome);
  return outcome;
}

function announce(context: DeploymentContext, request: DeploymentRequest, outcome: Attempt<DeployResult>): void {
  const { service, environment, image } = request.spec;
  const verb = request.verb ?? "deploy";
  if (outcome.ok && outcome.value.status === "succeeded") {
    const title =
      verb === "down"
        ? `Took ${service} down in ${environment}`
        : verb === "rollback"
          ? `Rolled ${service} in ${environment} back to revision ${outcome.value.revision} (${image})`
          : `Deployed ${service} ${image} to ${environment}`;
    context.notify?.({
      event: verb === "rollback" ? "rollback" : "deploy",
      title,
      subject: service,
      environment,
      outcome: "succeeded",
      detail: { revision: outcome.value.revision, trigger: request.trigger },
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
