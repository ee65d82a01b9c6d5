import { openBuildSession } from "../builder/session.js";
import type { Config } from "../config/index.js";
import { chooseEnvironment, deployService, specFromConfig, type ServiceSpec } from "../deploy/index.js";
import { SlipwayError } from "../errors/index.js";
import { checkImageReference } from "../reference/index.js";
import type { DeploymentRecord, Store } from "../store/index.js";
import type { AppContext } from "./context.js";
import { createDeployPorts } from "./deploy-ports.js";
import { rollbackTarget } from "./rollback-target.js";
import { serviceImage } from "./service-image.js";
import { toWire, type Wire } from "./wire.js";

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
}

export interface DeployOutcome {
  readonly service: string;
  readonly environment: string;
  readonly image: string;
  readonly status: "unchanged" | "succeeded";
  readonly revision: number;
  /** The deployment's id; none when nothing changed. */
  readonly deployment?: number;
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
  readonly status: "unchanged" | "succeeded";
  readonly revision: number;
}

/**
 * A deployment's outcome, or its error together with the deployment record it left (a
 * failed or rolled-back deployment is recorded; a refused one, e.g. locked, is not).
 */
export type Attempt<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown; readonly deployment?: Wire<DeploymentRecord> };

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
  const spec = specFromConfig({ config, configDir: dir, service, environment, image });
  const outcome = await attempt(context.store, spec, async () => {
    const ports = await createDeployPorts({
      engine: await context.engine(),
      store: context.store,
      stateDir: context.stateDir,
      spec,
      log,
      proxyAdmin: context.loaded.config.proxy?.admin,
    });
    const result = await deployService(ports, { spec, trigger: input.trigger, force: input.force === true, waitMs: input.waitMs ?? 0 });
    return {
      service,
      environment,
      image,
      status: result.status,
      revision: result.revision,
      ...(result.status === "unchanged" ? {} : { deployment: result.deployment.id }),
    };
  });
  if (outcome.ok && outcome.value.status === "succeeded") {
    context.notify?.({
      event: "deploy",
      title: `Deployed ${service} ${image} to ${environment}`,
      subject: service,
      environment,
      outcome: "succeeded",
      detail: { revision: outcome.value.revision, trigger: input.trigger },
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
  return outcome;
}

/** Deploys an earlier revision again: its recorded spec and its image, kept locally. */
export async function rollbackService(
  context: AppContext,
  input: RollbackInput,
  log: (line: string) => void,
  actor?: string,
): Promise<Attempt<RollbackOutcome>> {
  const environment = chooseEnvironment(context.loaded.config, input.environment);
  const store = context.store;
  const target = await rollbackTarget(store, input.service, environment, input.to);
  const spec = { ...(target.spec as unknown as ServiceSpec) };
  const outcome = await attempt(store, spec, async () => {
    const ports = await createDeployPorts({
      engine: await context.engine(),
      store,
      stateDir: context.stateDir,
      spec,
      log,
      proxyAdmin: context.loaded.config.proxy?.admin,
    });
    const result = await deployService(ports, { spec, trigger: "rollback", revision: target, force: true });
    await store.appendAudit({ actor: actor ?? ports.holder, action: "deploy.rollback", subject: input.service, detail: { environment, to: target.revision } });
    return { service: input.service, environment, image: target.image, status: result.status, revision: target.revision };
  });
  if (outcome.ok) {
    context.notify?.({
      event: "rollback",
      title: `Rolled ${input.service} in ${environment} back to revision ${target.revision} (${target.image})`,
      subject: input.service,
      environment,
      outcome: "succeeded",
      detail: { revision: target.revision },
    });
  }
  return outcome;
}

/** `slipway deploy --json`: the status and revision, and the deployment's id when one ran. */
export function deployJson(outcome: Pick<DeployOutcome, "status" | "revision" | "deployment">): { status: string; revision: number; deployment?: number } {
  return outcome.deployment === undefined
    ? { status: outcome.status, revision: outcome.revision }
    : { status: outcome.status, revision: outcome.revision, deployment: outcome.deployment };
}

async function attempt<T>(store: Store, spec: Pick<ServiceSpec, "service" | "environment">, run: () => Promise<T>): Promise<Attempt<T>> {
  const [before] = await store.listDeployments({ service: spec.service, environment: spec.environment, limit: 1 });
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const [latest] = await store.listDeployments({ service: spec.service, environment: spec.environment, limit: 1 });
    const left = latest !== undefined && latest.id !== before?.id ? latest : undefined;
    return { ok: false, error, ...(left === undefined ? {} : { deployment: toWire(left) }) };
  }
}
