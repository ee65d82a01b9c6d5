/** Statistics and formatting: the rollout bench's, plus the mean. */
export { median, ms, percentile, table } from "../rollout/stats.js";

/** The arithmetic mean of the finite values; NaN when there are none. */
export function mean(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}
