import type { DeploymentRecord, DeploymentStep } from "../store/index.js";
import { executePlan, unrecorded, type ExecuteResult, type StepRecorder } from "./execute-plan.js";
import { planConverge } from "./plan-converge.js";
import type { DeployStep, ObservedReplica } from "./plan.js";
import type { Runtime, SpecOf } from "./runtime.js";
import { proxiedPorts, specHash, type ServiceSpec } from "./service-spec.js";

export interface ConvergeRequest {
  readonly runtime: Runtime;
  /** The revision that should serve and its spec; undefined: nothing should (every container goes). */
  readonly target: { readonly revision: number; readonly spec: ServiceSpec } | undefined;
  /** The service as some revision declares it: its name, environment and routes when there is no target. */
  readonly service: ServiceSpec;
  readonly deploymentId: number;
  /** Specs of other revisions the plan may touch (grace periods, routes); the target's spec otherwise. */
  readonly specs?: ReadonlyMap<number, ServiceSpec>;
  readonly recorder?: StepRecorder;
  /** What the runtime observed, when the caller has just looked. */
  readonly observed?: readonly ObservedReplica[];
}

export interface ConvergeOutcome {
  readonly steps: readonly DeployStep[];
  readonly result: ExecuteResult;
}

/** Observes the service, plans the convergence (planConverge) and carries it out. */
export async function converge(request: ConvergeRequest): Promise<ConvergeOutcome> {
  const steps = await planConvergence(request);
  const specOf = specLookup(request);
  const result = await executePlan({
    runtime: request.runtime,
    steps: steps.steps,
    spec: request.target?.spec ?? request.service,
    specOf,
    identityOf: (revision) => ({ revision, specHash: specHash(specOf(revision)), deploymentId: request.deploymentId }),
    observed: steps.observed,
    recorder: request.recorder ?? unrecorded,
  });
  return { steps: steps.steps, result };
}

/** The convergence plan over what the runtime observes now; empty when the service is as it should be. */
export async function planConvergence(request: ConvergeRequest): Promise<{ steps: DeployStep[]; observed: readonly ObservedReplica[] }> {
  const { runtime, target, service } = request;
  const observed = request.observed ?? (await runtime.observe(service.service, service.environment));
  const spec = target?.spec ?? service;
  const serving = target === undefined ? [] : observed.filter((r) => r.revision === target.revision && r.replica <= target.spec.replicas && r.running);
  const down = target === undefined || target.spec.replicas === 0;
  // Taking a service down removes only routes that are there; otherwise every published port has one.
  const hasRoutes = proxiedPorts(spec).length > 0 && (!down || (await runtime.hasRoute(spec)));
  const routed = !hasRoutes || (serving.length > 0 && (await runtime.routed(spec, serving, specLookup(request))));
  const steps = planConverge({
    target: target === undefined ? undefined : { revision: target.revision, replicas: target.spec.replicas },
    observed,
    routed,
    hasRoutes,
    drain: spec.update.drainMs > 0,
  });
  return { steps, observed };
}

function specLookup(request: ConvergeRequest): SpecOf {
  const fallback = request.target?.spec ?? request.service;
  return (revision) => (revision === request.target?.revision ? request.target.spec : (request.specs?.get(revision) ?? fallback));
}

/**
 * The way out of an interrupted deployment, read from its typed steps: forward when its final
 * switch was made (only the new revision serves), back when it was not reached or a rollback
 * had begun; when the final switch was recorded but not confirmed, the runtime's routes say.
 */
export async function interruptedDirection(
  runtime: Runtime,
  deployment: DeploymentRecord,
  recorded: readonly DeploymentStep[],
  newSpec: ServiceSpec,
): Promise<"forward" | "back"> {
  if (recorded.some((s) => s.name === "rollback")) return "back";
  const final = recorded.find((s) => {
    const step = typedStep(s);
    return step?.kind === "switch" && step.final;
  });
  if (final === undefined || final.status === "failed") return "back";
  if (final.status === "done") return "forward";
  const replicas = await runtime.observe(newSpec.service, newSpec.environment);
  const fresh = replicas.filter((r) => r.revision === deployment.toRevision && r.running);
  if (fresh.length === 0) return "back";
  return (await runtime.routed(newSpec, fresh, () => newSpec)) ? "forward" : "back";
}

const STEP_KINDS = new Set(["create", "start", "health", "settle", "switch", "drain", "stop", "remove", "unroute"]);

/** The typed step a recorded step carries (deployments recorded before typed steps have none: they resume back). */
export function typedStep(recorded: DeploymentStep): DeployStep | undefined {
  const step = recorded.detail.step;
  if (typeof step !== "object" || step === null) return undefined;
  const kind = (step as { kind?: unknown }).kind;
  return typeof kind === "string" && STEP_KINDS.has(kind) ? (step as DeployStep) : undefined;
}
