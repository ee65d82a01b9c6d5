import { planConverge } from "./plan-converge.js";
import type { DeployStep, ObservedReplica, PlanSettings, Target } from "./plan.js";
import { planBlueGreen, planRecreate, planRolling, type RolloutPlanner } from "./plan-rollout.js";
import { proxiedPorts, type ServiceSpec } from "./service-spec.js";

import type { Strategy } from "../config/service-update.js";

export type { Strategy };

export interface StrategyDefinition {
  readonly id: Strategy;
  readonly summary: string;
  /** Whether the new revision starts while the old one still runs. */
  readonly startFirst: boolean;
  readonly plan: RolloutPlanner;
}

/**
 * Every strategy Slipway knows, with its planner. The rules a strategy puts on the rest of a
 * service are src/config/service-rules.ts strategyIssues: `validate` reports them with their
 * keys, and `deploy` refuses a spec that breaks them (checkDeployable), so the two cannot disagree.
 */
export const STRATEGIES = {
  "blue-green": {
    id: "blue-green",
    summary: "start the new revision beside the old, switch traffic once it is healthy, then drain and stop the old",
    startFirst: true,
    plan: planBlueGreen,
  },
  rolling: {
    id: "rolling",
    summary: "replace replicas update.batch at a time, each batch healthy and routed before old replicas leave",
    startFirst: true,
    plan: planRolling,
  },
  recreate: {
    id: "recreate",
    summary: "stop the old revision, then start the new one (one writer at a time; the old starts again on failure)",
    startFirst: false,
    plan: planRecreate,
  },
} as const satisfies Record<Strategy, StrategyDefinition>;

/** The strategy's plan, or with no replicas wanted the plan that takes the service down. */
export function planFor(spec: ServiceSpec, target: Target, observed: readonly ObservedReplica[], settings: PlanSettings): DeployStep[] {
  if (target.replicas === 0) return planConverge({ target, observed, routed: false, hasRoutes: proxiedPorts(spec).length > 0, drain: settings.drain });
  return STRATEGIES[spec.update.strategy].plan(target, observed, settings);
}
