import { setTimeout as sleep } from "node:timers/promises";
import { SlipwayError } from "../errors/index.js";
import { isConflict } from "./admin-client.js";

/**
 * How a config change that lost a race with another writer (another Slipway process, or a
 * person editing the proxy) is retried: re-read, recompute, try again after a jittered backoff,
 * until a deadline. Within one process changes are queued (change-queue.ts), so only writers
 * outside it can make a change lose.
 */
export interface ConflictPolicy {
  /** Give up when the next try would start later than this after the first. */
  readonly deadlineMs: number;
  /** The first pause; each next one doubles, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_CONFLICT_POLICY: ConflictPolicy = { deadlineMs: 30_000, baseDelayMs: 20, maxDelayMs: 1_000 };

export type ConflictDecision = { readonly kind: "retry"; readonly delayMs: number } | { readonly kind: "give-up" };

/**
 * After try number `attempt` (1 for the first) lost a race `elapsedMs` after the first began:
 * wait between half and all of the backoff (`random` in [0, 1) picks where), so two writers that
 * collided do not collide again in step; give up when that wait would pass the deadline.
 */
export function decideConflictRetry(attempt: number, elapsedMs: number, random: number, policy: ConflictPolicy): ConflictDecision {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const delayMs = Math.round(backoff / 2 + (random * backoff) / 2);
  return elapsedMs + delayMs > policy.deadlineMs ? { kind: "give-up" } : { kind: "retry", delayMs };
}

export interface RetryDeps {
  readonly policy?: ConflictPolicy;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** Runs `change` (which must re-read what it changes) until it does not lose a race, or the policy gives up. */
export async function retryOnConflict<T>(change: () => Promise<T>, deps: RetryDeps = {}): Promise<T> {
  const policy = deps.policy ?? DEFAULT_CONFLICT_POLICY;
  const now = deps.now ?? Date.now;
  const pause = deps.sleep ?? ((ms: number) => sleep(ms));
  const started = now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await change();
    } catch (error) {
      if (!isConflict(error)) throw error;
      const elapsed = now() - started;
      const decision = decideConflictRetry(attempt, elapsed, (deps.random ?? Math.random)(), policy);
      if (decision.kind === "give-up") throw gaveUp(error, attempt, elapsed);
      await pause(decision.delayMs);
    }
  }
}

function gaveUp(error: unknown, attempts: number, elapsedMs: number): SlipwayError {
  const message = error instanceof Error ? error.message : String(error);
  return new SlipwayError("PROXY_FAILED", `${message} (another writer changed the proxy's config ${attempts} times in ${(elapsedMs / 1000).toFixed(1)} s)`, {
    hint: "something keeps rewriting the proxy's config: look for another program or script driving its admin API; the previous routes stay in place",
    cause: error,
  });
}
