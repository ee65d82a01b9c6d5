/** How one attempt of a delivery ended. */
export type AttemptResult =
  | { readonly kind: "delivered"; readonly status: number }
  | { readonly kind: "status"; readonly status: number; readonly retryAfterMs: number | undefined; readonly said: string | undefined }
  | { readonly kind: "network"; readonly message: string };

export interface RetryTiming {
  /** The first backoff; each retry doubles it. */
  readonly baseDelayMs: number;
  /** The longest backoff between two attempts. */
  readonly maxDelayMs: number;
  /** The longest Retry-After waited out; a longer one ends the delivery. */
  readonly maxRetryAfterMs: number;
  /** A number in [0, 1); Math.random in production. */
  readonly random: () => number;
}

/** Worth another attempt: no answer (network error, timeout), 408, 429 and every 5xx. Other 4xx are final. */
export function isRetryable(result: AttemptResult): boolean {
  if (result.kind === "delivered") return false;
  if (result.kind === "network") return true;
  return result.status === 408 || result.status === 429 || result.status >= 500;
}

/**
 * How long to wait before retry number `retry` (0 for the first): exponential backoff with
 * equal jitter (half the backoff, plus a random part of the other half), but never less than
 * a Retry-After the receiver sent. Undefined when that Retry-After is longer than allowed.
 */
export function retryDelayMs(retry: number, retryAfterMs: number | undefined, timing: RetryTiming): number | undefined {
  if (retryAfterMs !== undefined && retryAfterMs > timing.maxRetryAfterMs) return undefined;
  const backoff = Math.min(timing.baseDelayMs * 2 ** retry, timing.maxDelayMs);
  const jittered = backoff / 2 + timing.random() * (backoff / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
