import { isSlipwayError } from "../errors/index.js";
import type { RateLimit } from "../registry/index.js";

/**
 * How long a REGISTRY_RATE_LIMITED error asks to wait, in ms; undefined for other errors or
 * when the registry sent no Retry-After. Read, in order: a numeric `retryAfterMs` on the error,
 * a details line `retry-after-ms: N`, and the client's message ("…; retry in N s"), which is
 * where src/registry puts the Retry-After today.
 */
export function rateLimitWaitMs(error: unknown): number | undefined {
  if (!isSlipwayError(error, "REGISTRY_RATE_LIMITED")) return undefined;
  if ("retryAfterMs" in error && typeof error.retryAfterMs === "number") return error.retryAfterMs;
  for (const line of error.details) {
    const match = /^retry-after-ms:\s*(\d+)$/i.exec(line.trim());
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  const said = /\bretry in (\d+) s\b/.exec(error.message);
  return said?.[1] === undefined ? undefined : Number(said[1]) * 1000;
}

/** After a success: when the registry says no requests are left, wait until its window resets. */
export function rateLimitCooldownMs(limit: RateLimit | undefined): number | undefined {
  if (limit?.remaining !== 0 || limit.resetSeconds === undefined) return undefined;
  return limit.resetSeconds * 1000;
}
