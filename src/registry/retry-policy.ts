import { isDnsFailure, type NetworkFailure } from "./registry-errors.js";

export interface RetryPolicy {
  /** Retries after the first attempt (so maxRetries + 1 attempts at most). */
  readonly maxRetries: number;
  /** The first backoff; each retry doubles it. */
  readonly baseDelayMs: number;
  /** The longest Retry-After Slipway waits out; a longer one fails at once. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 250, maxRetryAfterMs: 30_000 };

const MAX_BACKOFF_MS = 10_000;
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** How one attempt ended: an HTTP status (with the Retry-After it asked for) or no answer at all. */
export type AttemptOutcome =
  | { readonly kind: "status"; readonly status: number; readonly retryAfterMs: number | undefined }
  | { readonly kind: "network"; readonly failure: NetworkFailure };

export type RetryDecision =
  { readonly kind: "done" } | { readonly kind: "retry"; readonly delayMs: number } | { readonly kind: "give-up"; readonly retryAfterMs: number | undefined };

/**
 * Whether to try a request again after `attempt` (0 for the first) ended with `outcome`.
 * 429: wait what Retry-After asks (else back off), unless that is longer than the cap.
 * 500/502/503/504 and network failures: back off and retry, except a host that does not
 * resolve. Everything else is an answer: done.
 */
export function decideRetry(outcome: AttemptOutcome, attempt: number, policy: RetryPolicy): RetryDecision {
  if (outcome.kind === "network") {
    if (isDnsFailure(outcome.failure) || attempt >= policy.maxRetries) return { kind: "give-up", retryAfterMs: undefined };
    return { kind: "retry", delayMs: backoff(attempt, policy) };
  }
  const { status, retryAfterMs } = outcome;
  if (status !== 429 && !RETRYABLE_STATUS.has(status)) return { kind: "done" };
  const wait = retryAfterMs ?? backoff(attempt, policy);
  if (attempt >= policy.maxRetries || wait > policy.maxRetryAfterMs) return { kind: "give-up", retryAfterMs };
  return { kind: "retry", delayMs: wait };
}

export function backoff(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.baseDelayMs * 2 ** attempt, MAX_BACKOFF_MS);
}
