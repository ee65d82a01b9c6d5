import { openBuildSession } from "../builder/session.js";
import type { Config } from "../config/index.js";
import { chooseEnvironment, currentRevision, processHolder, revisionSpec, specFromConfig, type DeployResult } from "../deploy/index.js";
import { SlipwayError } from "../errors/index.js";
import { checkImageReference } from "../reference/index.js";
import type { AppContext } from "./context.js";
import { mapAttempt, type Attempt } from "./attempt.js";
import { rollbackTarget } from "./rollback-target.js";
import { serviceImage } from "./service-image.js";
import { runDeployment, type DeploymentContext } from "./run-deployment.js";
import { releaseNotesReader } from "./release-notes-reader.js";

export interface DeployInput {
  readonly service: string;
  readonly environment?: string;
  /** Deploy this reference instead of the newest pushed build of the service's image. */
  readonly image?: string;
  readonly force?: boolean;
  /** Wait this long for another deployment of the service to finish instead of refusing. */
  readonly waitMs?: number;
  /** "cli", "api:<token>", … */
  readonly trigger: string;
  /** Print the plan and touch nothing. */
  readonly dryRun?: boolean;
  /** Deploy with this many replicas instead of the configured number (`slipway down`: 0). */
  readonly replicas?: number;
}

export interface DeployOutcome {
  readonly service: string;
  readonly environment: string;
  readonly image: string;
  readonly status: "unchanged" | "succeeded" | "planned";
  readonly revision: number;
  /** The deployment's id; none when nothing changed. */
  readonly deployment?: number;
  /** A dry run's plan, or the steps that repaired drift when the same revision runs; one line each. */
  readonly steps?: readonly string[];
}

export interface RollbackInput {
  readonly service: string;
  readonly environment?: string;
  /** "3" or "r3"; default: the revision before the current one. */
  readonly to?: string;
}

export interface RollbackOutcome {
  readonly service: string;
  readonly environment: string;
  readonly image: string;
  readonly status: "unchanged" | "succeeded" | "planned";
  readonly revision: number;
}

/** The service and environment a deploy acts on; an unknown service is SERVICE_NOT_FOUND. */
export function deployTarget(config: Config, service: string, environment: string | undefined): { service: string; environment: string } {
  const chosen = chooseEnvironment(config, environment);
  if (config.services[service] === undefined) {
    const known = Object.keys(config.services);
    throw new SlipwayError("SERVICE_NOT_FOUND", `there is no service "${service}" in slipway.yml`, {
      hint: known.length === 0 ? "declare it under services: (or in a compose file named by compose:)" : `services: ${known.join(", ")}`,
    });
  }
  return { service, environment: chosen };
}

/**
 * Deploys a service from its committed definition: the image given, else the newest pushed
 * build of its graph image (or its external reference), health-gated, rolled back by the
 * deploy engine on failure.
 */
export async function deployFromConfig(context: AppContext, input: DeployInput, log: (line: string) => void): Promise<Attempt<DeployOutcome>> {
  if (input.image !== undefined) checkImageReference(input.image);
  const { config, dir } = context.loaded;
  const { service, environment } = deployTarget(config, input.service, input.environment);
  const image =
    input.image ??
    (await serviceImage(config, () => openBuildSession({ config, configDir: dir, stateDir: context.stateDir, store: context.store }), service, environment));
  const configured = specFromConfig({ config, configDir: dir, service, environment, image });
  const spec = input.replicas === undefined ? configured : { ...configured, replicas: input.replicas };
  const outcome = await runDeployment(
    await deploymentContext(context, environment),
    { spec, trigger: input.trigger, force: input.force === true, waitMs: input.waitMs ?? 0, ...(input.dryRun === true ? { dryRun: true } : {}) },
    log,
  );
  return mapAttempt(outcome, (result) => ({ service, environment, image, ...resultFields(result) }));
}

/**
 * Takes a service down in an environment: its containers and routes go, its revisions stay for
 * a later deploy or rollback. Recorded as a deployment of the current revision's spec with no
 * replicas, so the reconcile loop keeps it down and `rollback` brings the last one back.
 */
export async function takeDown(
  context: AppContext,
  input: { service: string; environment?: string; trigger: string; dryRun?: boolean },
  log: (line: string) => void,
): Promise<Attempt<DeployOutcome>> {
  const { service, environment } = deployTarget(context.loaded.config, input.service, input.environment);
  const current = await currentRevision({ store: context.store }, service, environment);
  if (current === undefined) {
    throw new SlipwayError("REVISION_NOT_FOUND", `${service} was never deployed to ${environment}: there is nothing to take down`, {
      hint: `\`slipway status ${service}\` shows what runs`,
    });
  }
  const spec = { ...revisionSpec(current), replicas: 0 };
  const outcome = await runDeployment(
    await deploymentContext(context, environment),
    { spec, trigger: input.trigger, verb: "down", ...(input.dryRun === true ? { dryRun: true } : {}) },
    log,
  );
  return mapAttempt(outcome, (result) => ({ service, environment, image: spec.image, ...resultFields(result) }));
}

/** Deploys an earlier revision again: its recorded spec (checked again) and its image, kept locally. */
export async function rollbackService(
  context: AppContext,
  input: RollbackInput,
  log: (line: string) => void,
  actor?: string,
): Promise<Attempt<RollbackOutcome>> {
  const environment = chooseEnvironment(context.loaded.config, input.environment);
  const store = context.store;
  const target = await rollbackTarget(store, input.service, environment, input.to);
  const spec = revisionSpec(target);
  const outcome = await runDeployment(
    await deploymentContext(context, environment),
    { spec, trigger: "rollback", revision: target, force: true, verb: "rollback" },
    log,
  );
  if (outcome.ok) {
    await store.appendAudit({
      actor: actor ?? processHolder(),
      action: "deploy.rollback",
      subject: input.service,
      detail: { environment, to: target.revision },
    });
  }
  return mapAttempt(outcome, (result) => ({ service: input.service, environment, image: target.image, status: result.status, revision: target.revision }));
}

/** `slipway deploy --json`: the status and revision, and the deployment's id when one ran. */
export function deployJson(outcome: Pick<DeployOutcome, "status" | "revision" | "deployment" | "steps">): {
  status: string;
  revision: number;
  deployment?: number;
  steps?: readonly string[];
} {
  return {
    status: outcome.status,
    revision: outcome.revision,
    ...(outcome.deployment === undefined ? {} : { deployment: outcome.deployment }),
    ...(outcome.steps === undefined || outcome.steps.length === 0 ? {} : { steps: outcome.steps }),
  };
}

function resultFields(result: DeployResult): Pick<DeployOutcome, "status" | "revision" | "deployment" | "steps"> {
  switch (result.status) {
    case "succeeded":
      return { status: result.status, revision: result.revision, deployment: result.deployment.id };
    case "planned":
      return { status: result.status, revision: result.revision, steps: result.steps };
    case "unchanged":
      return { status: result.status, revision: result.revision, steps: result.repaired };
  }
}

async function deploymentContext(context: AppContext, environment: string): Promise<DeploymentContext> {
  return {
    engine: await context.engine(environment),
    imageSource: () => context.engine(),
    store: context.store,
    stateDir: context.stateDir,
    proxyAdmin: context.loaded.config.proxy?.admin,
    notify: context.notify,
    releaseNotes: releaseNotesReader({ config: context.loaded.config, configDir: context.loaded.dir, stateDir: context.stateDir }),
  };
}
