import { openBuildSession } from "../builder/session.js";
import type { Config } from "../config/index.js";
import { chooseEnvironment, currentRevision, processHolder, revisionSpec, specFromConfig, type DeployResult, type HostReport } from "../deploy/index.js";
import { SlipwayError } from "../errors/index.js";
import { checkImageReference } from "../reference/index.js";
import type { AppContext } from "./context.js";
import { mapAttempt, type Attempt } from "./attempt.js";
import { rollbackTarget } from "./rollback-target.js";
import { serviceImage } from "./service-image.js";
import { runDeployment, type DeploymentContext } from "./run-deployment.js";
import { gateDeps, gateOrHold, runningRevision, type RunHeld } from "./held-deploys.js";
import { releaseNotesReader } from "./release-notes-reader.js";
import { fleetOf } from "./fleet-hosts.js";

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

/** A deploy someone asks for, held to its environment's policy (src/app/held-deploys.ts). */
export interface DeployRequestInput extends DeployInput {
  /** Who asks: a login name, an API token's name, "pipeline", "auto-update". */
  readonly requestedBy: string;
  /** Pass maintenance windows and freezes (not approvals), for this reason; audited. */
  readonly urgent?: string;
}

export interface DeployOutcome {
  readonly service: string;
  readonly environment: string;
  readonly image: string;
  readonly status: "unchanged" | "succeeded" | "planned" | "queued";
  /** The revision deployed, or (queued) the one that keeps running. */
  readonly revision: number;
  /** queued: the held deploy and what it waits for. */
  readonly held?: { readonly id: number; readonly waiting: string };
  /** The deployment's id; none when nothing changed. */
  readonly deployment?: number;
  /** A dry run's plan, or the steps that repaired drift when the same revision runs; one line each. */
  readonly steps?: readonly string[];
  /** On several hosts: what happened on each (updated, skipped because it did not answer, …). */
  readonly hosts?: readonly HostReport[];
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
    await deploymentContext(context, environment, service),
    { spec, trigger: input.trigger, force: input.force === true, waitMs: input.waitMs ?? 0, ...(input.dryRun === true ? { dryRun: true } : {}) },
    log,
  );
  return mapAttempt(outcome, (result) => ({ service, environment, image, ...resultFields(result) }));
}

/**
 * A deploy as people, pipelines and the API ask for it: through the environment's gate
 * (approvals, maintenance windows, freezes), run now or queued with the image it will deploy.
 * A dry run shows the plan whatever the gate says.
 */
export async function requestDeploy(context: AppContext, input: DeployRequestInput, log: (line: string) => void): Promise<Attempt<DeployOutcome>> {
  if (input.image !== undefined) checkImageReference(input.image);
  const { config, dir } = context.loaded;
  const { service, environment } = deployTarget(config, input.service, input.environment);
  if (input.dryRun === true) return deployFromConfig(context, input, log);
  const gate = await gateOrHold(gateDeps(context), {
    service,
    environment,
    image: async () =>
      input.image ??
      (await serviceImage(config, () => openBuildSession({ config, configDir: dir, stateDir: context.stateDir, store: context.store }), service, environment)),
    trigger: input.trigger,
    requestedBy: input.requestedBy,
    kind: "deploy",
    urgent: input.urgent,
    detail: { ...(input.force === true ? { force: true } : {}), ...(input.replicas === undefined ? {} : { replicas: input.replicas }) },
  });
  if (gate.kind === "go") return deployFromConfig(context, input, log);
  log(`held: ${service} to ${environment} waits (#${gate.held.id}): ${gate.waiting}`);
  return {
    ok: true,
    value: {
      service,
      environment,
      image: gate.held.image,
      status: "queued",
      revision: await runningRevision(context.store, service, environment),
      held: { id: gate.held.id, waiting: gate.waiting },
    },
  };
}

/** Runs a held deploy whose gate opened: the image it was held with, its trigger and options, through deployFromConfig. */
export function heldRunner(context: AppContext, log: (line: string) => void): RunHeld {
  return async (held) => {
    const replicas = held.detail["replicas"];
    const outcome = await deployFromConfig(
      context,
      {
        service: held.service,
        environment: held.environment,
        image: held.image,
        trigger: held.trigger,
        force: held.detail["force"] === true,
        waitMs: 10 * 60_000,
        ...(typeof replicas === "number" ? { replicas } : {}),
      },
      (line) => log(`held #${held.id}: ${line}`),
    );
    if (outcome.ok) return { ok: true, ...(outcome.value.deployment === undefined ? {} : { deployment: outcome.value.deployment }) };
    return {
      ok: false,
      error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
      ...(outcome.deployment === undefined ? {} : { deployment: outcome.deployment.id }),
    };
  };
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
    await deploymentContext(context, environment, service),
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
    await deploymentContext(context, environment, input.service),
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
export function deployJson(outcome: Pick<DeployOutcome, "status" | "revision" | "deployment" | "steps" | "held">): {
  status: string;
  revision: number;
  deployment?: number;
  steps?: readonly string[];
  held?: { id: number; waiting: string };
} {
  return {
    status: outcome.status,
    revision: outcome.revision,
    ...(outcome.held === undefined ? {} : { held: outcome.held }),
    ...(outcome.deployment === undefined ? {} : { deployment: outcome.deployment }),
    ...(outcome.steps === undefined || outcome.steps.length === 0 ? {} : { steps: outcome.steps }),
  };
}

function resultFields(result: DeployResult): Pick<DeployOutcome, "status" | "revision" | "deployment" | "steps" | "hosts"> {
  const hosts = result.hosts === undefined ? {} : { hosts: result.hosts };
  switch (result.status) {
    case "succeeded":
      return { status: result.status, revision: result.revision, deployment: result.deployment.id, ...hosts };
    case "planned":
      return { status: result.status, revision: result.revision, steps: result.steps, ...hosts };
    case "unchanged":
      return { status: result.status, revision: result.revision, steps: result.repaired, ...hosts };
  }
}

async function deploymentContext(context: AppContext, environment: string, service: string): Promise<DeploymentContext> {
  return {
    fleet: fleetOf(context.loaded, (env, host) => context.engine(env, host), service, environment),
    engine: await context.engine(environment),
    imageSource: () => context.engine(),
    store: context.store,
    stateDir: context.stateDir,
    proxyAdmin: context.loaded.config.proxy?.admin,
    notify: context.notify,
    releaseNotes: releaseNotesReader({ config: context.loaded.config, configDir: context.loaded.dir, stateDir: context.stateDir }),
  };
}
