import { converge, currentRevision, planConvergence, revisionSpec, runtimeOf, describePlan, acquireDeployLock, processHolder } from "../deploy/index.js";
import {
  chooseEnvironment,
  describeHosts,
  environmentNames,
  mendHost,
  proxiedPorts,
  type DeployPorts,
  type HostReport,
  type ServiceSpec,
} from "../deploy/index.js";
import type { AppContext } from "./context.js";
import { createDeployPorts, createFleetPorts } from "./deploy-ports.js";
import { fleetOf } from "./fleet-hosts.js";

/** What one reconcile pass found and did for one service in one environment. */
export interface ReconcileRow {
  readonly service: string;
  readonly environment: string;
  readonly revision?: number;
  /** "in-sync", "repaired", "drift" (a dry run, or held by a running deployment), "failed", "not-deployed". */
  readonly outcome: "in-sync" | "repaired" | "drift" | "failed" | "not-deployed";
  /** The plan that repairs it, one line per step (empty when in sync). */
  readonly steps: readonly string[];
  readonly error?: string;
  /** On several hosts: what each one needed and got. */
  readonly hosts?: readonly HostReport[];
}

export interface ReconcileInput {
  readonly service?: string;
  readonly environment?: string;
  /** Say what drifted and how it would be repaired; change nothing. */
  readonly dryRun?: boolean;
}

/**
 * The reconcile pass: every service's current revision (desired state, from the store) against
 * what the runtime observes, and the convergence plan that repairs any drift, carried out under
 * the service's deploy lock (a service that is being deployed is left to that deployment). Each
 * repair is audited. `slipway reconcile` runs one pass; `slipway serve` runs them on engine
 * events and every controller.reconcile.
 */
export async function reconcileServices(context: AppContext, input: ReconcileInput, log: (line: string) => void): Promise<ReconcileRow[]> {
  const { config } = context.loaded;
  const environments = input.environment !== undefined ? [chooseEnvironment(config, input.environment)] : environmentsOf(context);
  const rows: ReconcileRow[] = [];
  for (const environment of environments) {
    for (const [service, definition] of Object.entries(config.services)) {
      if (input.service !== undefined && service !== input.service) continue;
      if (definition.environments !== undefined && !definition.environments.includes(environment)) continue;
      rows.push(await reconcileOne(context, service, environment, input.dryRun === true, log));
    }
  }
  return rows;
}

export async function reconcileOne(
  context: AppContext,
  service: string,
  environment: string,
  dryRun: boolean,
  log: (line: string) => void,
): Promise<ReconcileRow> {
  const current = await currentRevision({ store: context.store }, service, environment);
  if (current === undefined) return { service, environment, outcome: "not-deployed", steps: [] };
  const base = { service, environment, revision: current.revision };
  try {
    const spec = revisionSpec(current);
    const fleet = fleetOf(context.loaded, (env, host) => context.engine(env, host), service, environment);
    const common = { store: context.store, stateDir: context.stateDir, spec, log, proxyAdmin: context.loaded.config.proxy?.admin, observeOnly: dryRun };
    if (fleet !== undefined) {
      const ports = await createFleetPorts({ ...common, ...fleet, engine: await context.engine(), imageSource: () => context.engine() });
      return await reconcileFleet(context, ports, { ...base, revision: current.revision }, spec, dryRun);
    }
    const ports = await createDeployPorts({ ...common, engine: await context.engine(environment) });
    if (dryRun && ports.router === undefined && proxiedPorts(spec).length > 0) {
      return { ...base, outcome: "drift", steps: [], error: "the proxy does not answer, so nothing reaches the service's published ports" };
    }
    const runtime = runtimeOf(ports);
    const request = { runtime, target: { revision: current.revision, spec }, service: spec, deploymentId: 0 };
    const planned = await planConvergence(request);
    if (planned.steps.length === 0) return { ...base, outcome: "in-sync", steps: [] };
    if (dryRun) return { ...base, outcome: "drift", steps: describePlan(planned.steps) };
    let lock;
    try {
      lock = await acquireDeployLock(context.store, spec, processHolder(), { waitMs: 0 });
    } catch {
      return {
        ...base,
        outcome: "drift",
        steps: describePlan(planned.steps),
        error: "a deployment of the service is running; it converges the service itself",
      };
    }
    try {
      // Looked at again under the lock: a deployment may have finished in between.
      const latest = await currentRevision({ store: context.store }, service, environment);
      if (latest?.revision !== current.revision) return { ...base, outcome: "in-sync", steps: [] };
      const { steps, result } = await converge(request);
      if (steps.length === 0) return { ...base, outcome: "in-sync", steps: [] };
      await context.store.appendAudit({
        actor: processHolder(),
        action: "reconcile",
        subject: service,
        detail: { environment, revision: current.revision, steps: steps.map((s) => s.id), ok: result.ok, ...(result.ok ? {} : { error: result.reason }) },
      });
      if (!result.ok) return { ...base, outcome: "failed", steps: describePlan(steps), error: result.reason };
      log(`repaired ${service} (${environment}) revision ${current.revision}: ${steps.map((s) => s.id).join(", ")}`);
      return { ...base, outcome: "repaired", steps: describePlan(steps) };
    } finally {
      await lock.release();
    }
  } catch (error) {
    return { ...base, outcome: "failed", steps: [], error: error instanceof Error ? error.message : String(error) };
  }
}

function environmentsOf(context: AppContext): string[] {
  return environmentNames(context.loaded.config);
}

/**
 * Reconciles a service on each of its hosts, one host at a time under the service's deploy
 * lock: a host that missed a deployment (it was down) is brought to the current revision, its
 * image pulled there first. A host that does not answer fails the pass, which the loop retries.
 */
async function reconcileFleet(
  context: AppContext,
  ports: DeployPorts,
  base: { service: string; environment: string; revision: number },
  spec: ServiceSpec,
  dryRun: boolean,
): Promise<ReconcileRow> {
  let lock;
  if (!dryRun) {
    try {
      lock = await acquireDeployLock(context.store, spec, processHolder(), { waitMs: 0 });
    } catch {
      return { ...base, outcome: "drift", steps: [], error: "a deployment of the service is running; it converges the service itself" };
    }
  }
  try {
    if (!dryRun && (await currentRevision({ store: context.store }, base.service, base.environment))?.revision !== base.revision)
      return { ...base, outcome: "in-sync", steps: [] };
    const steps: string[] = [];
    const hosts: HostReport[] = [];
    for (const host of ports.fleet?.hosts ?? []) {
      if (host.ports === undefined) {
        hosts.push({ host: host.name, outcome: "skipped", detail: host.unreachable ?? "not reachable" });
        continue;
      }
      const mended = await mendHost(host.ports, host.name, { revision: base.revision, spec }, undefined, dryRun);
      steps.push(...mended.steps.map((line) => `${host.name}: ${line}`));
      hosts.push(mended.report);
    }
    const broken = hosts.filter((h) => h.outcome === "failed" || h.outcome === "skipped");
    const outcome =
      broken.length > 0 ? (dryRun ? "drift" : "failed") : hosts.some((h) => h.outcome === "repaired") ? "repaired" : steps.length > 0 ? "drift" : "in-sync";
    return { ...base, outcome, steps, hosts, ...(broken.length === 0 ? {} : { error: describeHosts(broken).join("; ") }) };
  } finally {
    await lock?.release();
  }
}
