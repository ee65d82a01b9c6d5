import type { Config } from "../config/index.js";
import { gateDecision, type GateDecision, type Verdict, type WindowLevels } from "../policy/index.js";
import type { FreezeRecord, Store } from "../store/index.js";

/** Which deploys a policy is read for: any deploy, or an auto-update (which also heeds update.windows and update.auto: approve). */
export type DeployKind = "deploy" | "update";

export interface EnvironmentPolicy {
  readonly windows: WindowLevels;
  /** Approvals from distinct people, 0 when none are needed, and how long a request waits for them. */
  readonly approvals: { readonly required: number; readonly deadlineMs?: number };
}

/**
 * The policy a deploy of `service` to `environment` is held to: the environment's approvals and
 * windows; for an auto-update also the service's update.windows, and at least one approval
 * with update.auto: approve.
 */
export function policyFor(config: Config, service: string, environment: string, kind: DeployKind): EnvironmentPolicy {
  const declared = config.environments[environment];
  const update = config.services[service]?.update;
  const levels = [declared?.windows ?? [], ...(kind === "update" && update?.windows !== undefined ? [update.windows] : [])].filter((level) => level.length > 0);
  const required = Math.max(declared?.approvals?.required ?? 0, kind === "update" && update?.auto === "approve" ? 1 : 0);
  const deadlineMs = declared?.approvals?.deadlineMs;
  return { windows: levels, approvals: { required, ...(deadlineMs === undefined ? {} : { deadlineMs }) } };
}

/** True when the policy can ever hold a deploy (no windows, no approvals: every deploy runs at once, freezes aside). */
export function policyHolds(policy: EnvironmentPolicy): boolean {
  return policy.windows.length > 0 || policy.approvals.required > 0;
}

/** The freeze of an environment in force at `now`, if any. */
export async function activeFreeze(store: Pick<Store, "listFreezes">, environment: string, now: Date): Promise<FreezeRecord | undefined> {
  const freezes = await store.listFreezes();
  return freezes.find((freeze) => freeze.environment === environment && freeze.until.getTime() > now.getTime());
}

/** The gate's decision for a deploy under `policy`, as of `now`. */
export function decide(
  policy: EnvironmentPolicy,
  facts: { now: Date; freeze?: FreezeRecord | undefined; verdicts?: readonly Verdict[]; requestedBy?: string; requestedAt?: Date; urgent?: string | undefined },
): GateDecision {
  const { required, deadlineMs } = policy.approvals;
  const deadline = deadlineMs === undefined ? undefined : new Date((facts.requestedAt ?? facts.now).getTime() + deadlineMs);
  return gateDecision({
    now: facts.now,
    windows: policy.windows,
    freeze: facts.freeze,
    approvals: required === 0 ? undefined : { required, ...(deadline === undefined ? {} : { deadline }) },
    verdicts: facts.verdicts ?? [],
    ...(facts.requestedBy === undefined ? {} : { requestedBy: facts.requestedBy }),
    urgent: facts.urgent,
  });
}
