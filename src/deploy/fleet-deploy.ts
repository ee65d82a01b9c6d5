import { SlipwayError } from "../errors/index.js";
import type { ImageDetails } from "../engine/index.js";
import type { DeploymentRecord } from "../store/index.js";
import { converge, interruptedDirection, planConvergence } from "./converge.js";
import type { DeployRequest, DeployResult } from "./deploy-service.js";
import { currentRevision, lastLines, nextRevision, planSettings, runtimeOf, startRecord } from "./deploy-state.js";
import { executePlan, type ExecuteResult } from "./execute-plan.js";
import { paceHosts, type Pace } from "./fleet-pace.js";
import { HOSTS_STEP, describeHosts, hostList, hostRecorder, hostSteps, type Fleet, type FleetHost, type HostReport } from "./fleet.js";
import { ensureImage, pruneImages } from "./host-images.js";
import { describePlan, type ObservedReplica, type PlanSettings } from "./plan.js";
import type { DeployPorts } from "./ports.js";
import type { SpecOf } from "./runtime.js";
import { specHash, type ServiceSpec } from "./service-spec.js";
import { StepRunner } from "./steps.js";
import { revisionSpec } from "./stored-spec.js";
import { planFor } from "./strategies.js";

/** One host as the rollout found it: what runs there and the image, or why it could not be looked at. */
interface HostLook {
  readonly host: FleetHost;
  readonly observed: readonly ObservedReplica[];
  readonly image?: ImageDetails;
  readonly pullError?: unknown;
  readonly unreachable?: string;
}

type Revision = { readonly revision: number; readonly spec: ServiceSpec };

/**
 * Deploys a service to every host of its environment (call with the deploy lock held, which
 * covers the whole fleet): hosts in their order, `fleet.parallel` at a time, each with the
 * service's own strategy and health gate, overlapped where nothing that serves is at stake
 * (fleet-pace.ts: the next host starts its new containers while this one settles, and switches
 * after this one's final switch). A host that cannot be reached is skipped and reported; the
 * reconcile loop brings it to the current revision when it answers again. A failure stops the
 * rollout and moves every host it reached back, so the fleet ends on one revision (a host that
 * had only started its new containers has them removed); hosts it had not reached are never touched. The same spec and image everywhere mends drift
 * host by host instead (a host on an older revision, a replica missing).
 */
export async function deployFleetLocked(ports: DeployPorts, fleet: Fleet, request: DeployRequest): Promise<DeployResult> {
  const { store } = ports;
  const spec = request.spec;
  const hash = specHash(spec);
  const wanted = spec.replicas > 0;
  const current = await currentRevision(ports, spec.service, spec.environment);
  const currentSpec = current === undefined ? undefined : revisionSpec(current);
  const looks = await Promise.all(fleet.hosts.map((host) => lookAt(host, spec, wanted && request.dryRun !== true)));
  const reachable = looks.filter((look) => look.unreachable === undefined);
  const skipped: HostReport[] = looks.flatMap((look) =>
    look.unreachable === undefined ? [] : [{ host: look.host.name, outcome: "skipped" as const, detail: look.unreachable }],
  );
  for (const report of skipped) ports.log(`${report.host} skipped: ${report.detail ?? ""}`);
  if (reachable.length === 0) {
    throw new SlipwayError("DEPLOY_FAILED", `${spec.service} (${spec.environment}) was not deployed: none of its hosts answers`, {
      details: describeHosts(skipped),
      hint: "`slipway doctor` checks every host's engine; nothing was changed",
    });
  }
  const image = reachable.find((look) => look.image !== undefined)?.image;
  const sameImage = !wanted || (image !== undefined && reachable.every((look) => look.image?.id === image.id));
  const sameAsCurrent = request.revision === undefined && current?.specHash === hash && sameImage && (!wanted || current.imageId === image?.id);

  if (request.force !== true && sameAsCurrent && current !== undefined && currentSpec !== undefined) {
    return mendFleet(ports, { revision: current.revision, spec: currentSpec }, reachable, skipped, request.dryRun === true);
  }
  const settings = planSettings(spec);
  if (request.dryRun === true) {
    const next = await nextRevision(store, spec, request.revision);
    const steps = reachable.flatMap((look) =>
      describePlan(planFor(spec, { revision: next, replicas: spec.replicas }, look.observed, settings)).map((line) => `${look.host.name}: ${line}`),
    );
    return {
      status: "planned",
      revision: next,
      steps,
      hosts: [...reachable.map((look) => ({ host: look.host.name, outcome: "planned" as const })), ...skipped],
    };
  }

  const names = reachable.map((look) => look.host.name);
  const { revision, deployment } = await startRecord(ports, {
    spec,
    specHash: hash,
    trigger: request.trigger,
    imageId: image?.id,
    current,
    revision: request.revision,
    audit: { hosts: names },
  });
  const steps = new StepRunner(store, deployment.id, ports.fault);
  ports.log(
    `${wanted ? `deploying ${spec.service} (${spec.environment}) revision ${revision.revision}: ${spec.image}, strategy ${spec.update.strategy}` : `taking ${spec.service} (${spec.environment}) down (revision ${revision.revision})`}, on ${hostList(names)}, ${fleet.parallel} at a time`,
  );
  const specs = new Map<number, ServiceSpec>([[revision.revision, spec]]);
  if (current !== undefined && currentSpec !== undefined) specs.set(current.revision, currentSpec);
  const specOf: SpecOf = (n) => specs.get(n) ?? currentSpec ?? spec;
  const back = current === undefined || currentSpec === undefined ? undefined : { revision: current.revision, spec: currentSpec };

  const pullFailure = reachable.find((look) => look.pullError !== undefined);
  try {
    await steps.run("pull", { image: spec.image, hosts: names }, async () => {
      if (pullFailure !== undefined) throw pullFailure.pullError;
    });
  } catch (error) {
    const message = `${pullFailure?.host.name ?? ""}: ${error instanceof Error ? error.message : String(error)}`;
    await finish(ports, deployment, "failed", message);
    throw new SlipwayError("DEPLOY_FAILED", `${spec.service} (${spec.environment}) was not deployed: ${message}`, {
      hint: "check the image reference and that every host can pull it; nothing was stopped and the current revision keeps serving",
      cause: error,
    });
  }

  const pace = paceHosts(reachable, fleet.parallel);
  let failure: { look: HostLook; reason: string; replicas: readonly ObservedReplica[] } | undefined;
  const results = await Promise.all(
    pace.hosts.map(async ({ item: look, pace: host }) => {
      try {
        const result = await rollOut(
          look,
          spec,
          revision.revision,
          settings,
          specOf,
          deployment.id,
          steps,
          announced(host, () => ports.log(`${look.host.name}: revision ${revision.revision}`)),
        );
        if (!result.ok && result.stopped === undefined) {
          failure ??= { look, reason: result.reason, replicas: result.replicas };
          pace.stop(`the rollout stopped at ${failure.look.host.name}`);
        }
        return { look, result, served: host.served() };
      } finally {
        host.end();
      }
    }),
  );
  // On a failure every other host the rollout reached goes back too, the latest first.
  const reached = results.filter(({ look, result }) => look !== failure?.look && (result.ok || result.stopped?.began !== false));
  const unserved = new Set(reached.filter((each) => !each.served).map((each) => each.look.host.name));

  if (failure !== undefined) {
    const { look, reason } = failure;
    ports.log(`${look.host.name} failed: ${reason}; moving the fleet back to ${back === undefined ? "nothing" : `revision ${back.revision}`}`);
    const log =
      look.host.ports === undefined
        ? ""
        : await runtimeOf(look.host.ports)
            .logs(failure.replicas.filter((r) => r.revision === revision.revision))
            .catch(() => "");
    const reports = new Map<string, HostReport>();
    for (const moved of [look, ...reached.map((each) => each.look).reverse()]) {
      const report = await moveBack(moved, spec, back, specs, deployment.id, steps, reason);
      reports.set(
        moved.host.name,
        report.outcome === "moved-back" && unserved.has(moved.host.name)
          ? {
              host: moved.host.name,
              outcome: "untouched",
              detail: `the rollout stopped at ${look.host.name}; its new containers were removed before they served`,
            }
          : report,
      );
    }
    const touched = new Set(reports.keys());
    const hosts: HostReport[] = [
      ...reachable.map(
        (each) => reports.get(each.host.name) ?? { host: each.host.name, outcome: "untouched" as const, detail: `the rollout stopped at ${look.host.name}` },
      ),
      ...skipped,
    ];
    const stuck = hosts.filter((report) => report.outcome === "failed" && touched.has(report.host) && report.detail?.startsWith("could not") === true);
    const error = `revision ${revision.revision} failed on ${look.host.name}: ${reason}`;
    await steps.run(HOSTS_STEP, { hosts }, () => Promise.resolve());
    const finished = await finish(ports, deployment, stuck.length === 0 ? "rolled-back" : "failed", error, log);
    throw new SlipwayError("DEPLOY_FAILED", `${spec.service} (${spec.environment}) ${error}`, {
      details: [...describeHosts(hosts), ...lastLines(log, 20)],
      hint:
        stuck.length === 0
          ? `every host serves ${back === undefined ? "nothing of it" : `revision ${back.revision}`} again; \`slipway history ${spec.service}\` shows deployment ${finished.id} with the failed containers' logs`
          : `${hostList(stuck.map((s) => s.host))} could not be moved back yet: the reconcile loop (slipway serve, or slipway reconcile) does it once ${stuck.length === 1 ? "it answers" : "they answer"} again`,
    });
  }

  const hosts: HostReport[] = [...reachable.map((each) => ({ host: each.host.name, outcome: "updated" as const })), ...skipped];
  await steps.run(HOSTS_STEP, { hosts }, () => Promise.resolve());
  const finished = await store.finishDeployment(deployment.id, { status: "succeeded" });
  await store.appendAudit({
    actor: ports.holder,
    action: wanted ? "deploy.succeeded" : "deploy.down",
    subject: spec.service,
    detail: { environment: spec.environment, deployment: finished.id, revision: revision.revision, hosts: names, skipped: skipped.map((s) => s.host) },
  });
  if (wanted) for (const look of reachable) if (look.host.ports !== undefined) await pruneImages(look.host.ports, spec).catch(() => undefined);
  return { status: "succeeded", revision: revision.revision, deployment: finished, hosts };
}

/** What runs on a host, and the image (pulled when missing and `pull`); an engine that does not answer makes the host unreachable. */
async function lookAt(host: FleetHost, spec: ServiceSpec, pull: boolean): Promise<HostLook> {
  const ports = host.ports;
  if (ports === undefined) return { host, observed: [], unreachable: host.unreachable ?? "not connected" };
  let observed: ObservedReplica[];
  let image: ImageDetails | undefined;
  try {
    observed = await runtimeOf(ports).observe(spec.service, spec.environment);
    image = spec.replicas > 0 ? await ports.engine.inspectImage(spec.image) : undefined;
  } catch (error) {
    return { host, observed: [], unreachable: error instanceof Error ? error.message : String(error) };
  }
  if (image !== undefined || !pull || spec.replicas === 0) return { host, observed, ...(image === undefined ? {} : { image }) };
  try {
    const early = ports.pulled?.image === spec.image ? await ports.pulled.outcome : undefined;
    if (early?.error !== undefined) throw early.error;
    if (early === undefined) await ensureImage(ports, spec.image);
    const pulled = await ports.engine.inspectImage(spec.image);
    return { host, observed, ...(pulled === undefined ? {} : { image: pulled }) };
  } catch (error) {
    return { host, observed, pullError: error };
  }
}

async function rollOut(
  look: HostLook,
  spec: ServiceSpec,
  revision: number,
  settings: PlanSettings,
  specOf: SpecOf,
  deploymentId: number,
  steps: StepRunner,
  pace: Pace,
): Promise<ExecuteResult> {
  if (look.host.ports === undefined) throw new Error(`${look.host.name} is not reachable`);
  try {
    return await executePlan({
      runtime: runtimeOf(look.host.ports),
      steps: planFor(spec, { revision, replicas: spec.replicas }, look.observed, settings),
      spec,
      specOf,
      identityOf: (n) => ({ revision: n, specHash: specHash(specOf(n)), deploymentId }),
      observed: look.observed,
      recorder: hostRecorder(steps, look.host.name),
      pace,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, step: { kind: "unroute", id: "rollout", after: [], batch: 1 }, reason, replicas: look.observed, pastFinal: false };
  }
}

/** The same pace, calling `begin` once, when the host's first step may start. */
function announced(pace: Pace, begin: () => void): Pace {
  let begun = false;
  return {
    signal: pace.signal,
    done: (step) => pace.done(step),
    before: async (step) => {
      await pace.before(step);
      if (!begun && !pace.signal.aborted) {
        begun = true;
        begin();
      }
    },
  };
}

/** Returns a host to the previous revision (or to nothing, after a first deployment); a host that cannot be reached now is left to the reconcile loop. */
async function moveBack(
  look: HostLook,
  spec: ServiceSpec,
  back: Revision | undefined,
  specs: ReadonlyMap<number, ServiceSpec>,
  deploymentId: number,
  steps: StepRunner,
  reason: string,
): Promise<HostReport> {
  const host = look.host.name;
  if (look.host.ports === undefined) return { host, outcome: "failed", detail: "could not be reached" };
  const runtime = runtimeOf(look.host.ports);
  try {
    await hostRecorder(steps, host).run("rollback", { reason, to: back?.revision ?? null }, async () => {
      const undone = await converge({ runtime, target: back, service: spec, deploymentId, specs });
      if (!undone.result.ok) throw new Error(undone.result.reason);
    });
    return { host, outcome: "moved-back", ...(back === undefined ? {} : { detail: `to revision ${back.revision}` }) };
  } catch (error) {
    return { host, outcome: "failed", detail: `could not be moved back: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The same revision everywhere: each host mended (missing replicas, a stale route, an older revision left on it), one host at a time. */
async function mendFleet(
  ports: DeployPorts,
  target: Revision,
  reachable: readonly HostLook[],
  skipped: readonly HostReport[],
  dryRun: boolean,
): Promise<DeployResult> {
  const lines: string[] = [];
  const hosts: HostReport[] = [];
  for (const look of reachable) {
    if (look.host.ports === undefined) continue;
    const outcome = await mendHost(look.host.ports, look.host.name, target, look.observed, dryRun);
    lines.push(...outcome.steps.map((line) => `${look.host.name}: ${line}`));
    hosts.push(outcome.report);
  }
  hosts.push(...skipped);
  const failed = hosts.filter((report) => report.outcome === "failed");
  if (failed.length > 0) {
    throw new SlipwayError(
      "DEPLOY_FAILED",
      `${target.spec.service} (${target.spec.environment}) revision ${target.revision} drifted on ${hostList(failed.map((f) => f.host))} and could not be repaired`,
      {
        details: describeHosts(hosts),
        hint: "`slipway status` shows what runs on each host; `slipway deploy --force` recreates every replica",
      },
    );
  }
  if (dryRun) return { status: "planned", revision: target.revision, steps: lines, hosts };
  return lines.length === 0
    ? { status: "unchanged", revision: target.revision, hosts }
    : { status: "unchanged", revision: target.revision, repaired: lines, hosts };
}

/** Converges one host to the revision that serves, audited; the image is pulled there first when it is missing (a host that was down). */
export async function mendHost(
  ports: DeployPorts,
  host: string,
  target: Revision,
  observed: readonly ObservedReplica[] | undefined,
  dryRun: boolean,
): Promise<{ steps: string[]; report: HostReport }> {
  const runtime = runtimeOf(ports);
  try {
    const request = { runtime, target, service: target.spec, deploymentId: 0, ...(observed === undefined ? {} : { observed }) };
    const planned = await planConvergence(request);
    if (planned.steps.length === 0) return { steps: [], report: { host, outcome: "unchanged" } };
    if (dryRun) return { steps: describePlan(planned.steps), report: { host, outcome: "planned" } };
    if (target.spec.replicas > 0) await ensureImage(ports, target.spec.image);
    const { steps, result } = await converge({ ...request, observed: planned.observed });
    await ports.store.appendAudit({
      actor: ports.holder,
      action: "reconcile",
      subject: target.spec.service,
      detail: { environment: target.spec.environment, host, revision: target.revision, steps: steps.map((s) => s.id), ok: result.ok },
    });
    if (!result.ok) return { steps: describePlan(steps), report: { host, outcome: "failed", detail: result.reason } };
    ports.log(`repaired ${target.spec.service} (${target.spec.environment}) on ${host}: ${steps.map((s) => s.id).join(", ")}`);
    return { steps: describePlan(steps), report: { host, outcome: "repaired" } };
  } catch (error) {
    return { steps: [], report: { host, outcome: "failed", detail: error instanceof Error ? error.message : String(error) } };
  }
}

/**
 * Converges fleet deployments a killed process left running. Each host's own steps say which
 * way it was going; the fleet goes forward only when every host it reached had made its final
 * switch, else every host goes back, so it ends on one revision. Hosts that do not answer are
 * left to the reconcile loop. Call with the lock held.
 */
export async function resumeFleet(ports: DeployPorts, fleet: Fleet, service: string, environment: string): Promise<DeploymentRecord[]> {
  const running = await ports.store.listDeployments({ service, environment, status: "running" });
  const resolved: DeploymentRecord[] = [];
  for (const deployment of running.reverse()) {
    await ports.store.takeOverDeployment(deployment.id, ports.holder);
    const target = await ports.store.getRevision(service, environment, deployment.toRevision);
    if (target === undefined) continue;
    const previous = deployment.fromRevision === undefined ? undefined : await ports.store.getRevision(service, environment, deployment.fromRevision);
    const targetSpec = revisionSpec(target);
    const recorded = await ports.store.listSteps(deployment.id);
    const hosts = fleet.hosts.flatMap((host) => (host.ports === undefined ? [] : [{ name: host.name, ports: host.ports }]));
    const directions = await Promise.all(
      hosts.map((host) => interruptedDirection(runtimeOf(host.ports), deployment, hostSteps(recorded, host.name), targetSpec).catch(() => "back" as const)),
    );
    const forward = directions.length > 0 && directions.every((d) => d === "forward") && !recorded.some((s) => s.name.endsWith(":rollback"));
    const goal = forward
      ? { revision: target.revision, spec: targetSpec }
      : previous === undefined
        ? undefined
        : { revision: previous.revision, spec: revisionSpec(previous) };
    ports.log(
      `resuming interrupted deployment ${deployment.id} of ${service} (${environment}) on ${hostList(hosts.map((h) => h.name))}: ${forward ? `completing revision ${target.revision}` : `back to revision ${previous?.revision ?? "none"}`}`,
    );
    const specs = new Map<number, ServiceSpec>([[target.revision, targetSpec]]);
    if (previous !== undefined) specs.set(previous.revision, revisionSpec(previous));
    for (const host of hosts) {
      const { result } = await converge({
        runtime: runtimeOf(host.ports),
        target: goal,
        service: targetSpec,
        deploymentId: deployment.id,
        specs,
      });
      if (!result.ok) throw new Error(`interrupted deployment ${deployment.id} could not be converged on ${host.name}: ${result.reason}`);
    }
    const outcome = forward
      ? { status: "succeeded" as const, error: "interrupted; completed by a later run" }
      : goal === undefined
        ? { status: "failed" as const, error: "interrupted before the first revision was healthy; its containers were removed" }
        : { status: "rolled-back" as const, error: "interrupted before every host had the new revision; rolled back by a later run" };
    resolved.push(await ports.store.finishDeployment(deployment.id, outcome));
  }
  return resolved;
}

async function finish(
  ports: DeployPorts,
  deployment: DeploymentRecord,
  status: "failed" | "rolled-back",
  error: string,
  log?: string,
): Promise<DeploymentRecord> {
  const finished = await ports.store.finishDeployment(deployment.id, { status, error, ...(log === undefined ? {} : { log }) });
  await ports.store.appendAudit({
    actor: ports.holder,
    action: status === "failed" ? "deploy.failed" : "deploy.rolled-back",
    subject: deployment.service,
    detail: { environment: deployment.environment, deployment: finished.id, error },
  });
  return finished;
}
