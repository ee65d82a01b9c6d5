/** What decides the wait before the next check. */
export interface DelayInputs {
  readonly intervalMs: number;
  /** 0..1 */
  readonly jitter: number;
  /** Failed checks in a row; 0 after a success. */
  readonly failures: number;
  readonly maxBackoffMs: number;
  /** The least wait, whatever the rest says (a registry's Retry-After). */
  readonly waitAtLeastMs?: number;
  /** [0, 1) */
  readonly random: () => number;
}

/** The base wait: the interval, or after n failures interval × 2^n, capped (never below the interval). */
export function backoffMs(intervalMs: number, failures: number, maxBackoffMs: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(intervalMs * 2 ** failures, Math.max(maxBackoffMs, intervalMs));
}

/** base × (1 ± jitter × random): random 0 gives base × (1 − jitter), random → 1 gives base × (1 + jitter). */
export function jittered(baseMs: number, jitter: number, random: () => number): number {
  const spread = Math.min(Math.max(jitter, 0), 1);
  return Math.round(baseMs * (1 + spread * (2 * random() - 1)));
}

/** The wait before the next check: the jittered backoff, but at least `waitAtLeastMs`. */
export function nextDelayMs(inputs: DelayInputs): number {
  const delay = jittered(backoffMs(inputs.intervalMs, inputs.failures, inputs.maxBackoffMs), inputs.jitter, inputs.random);
  return Math.max(delay, inputs.waitAtLeastMs ?? 0, 0);
}

/** The wait before the first check: a random part of interval × jitter, so pollers started together spread out. */
export function firstDelayMs(intervalMs: number, jitter: number, random: () => number): number {
  return Math.round(intervalMs * Math.min(Math.max(jitter, 0), 1) * random());
}
