import type { Clock } from "./clock.js";
import type { HealthTiming } from "./health-check.js";
import type { Probe } from "./health-loop.js";
import type { HealthOutcome } from "./health-state.js";
import { restartedDetail, restartsSince, type Life } from "./life.js";

/** The first pause of the eager phase; each next one doubles. */
const FIRST_PAUSE_MS = 10;

/**
 * Right after a start the app is often a few milliseconds from listening: probe at once, then
 * after 10, 20, 40… ms, for at most the first `intervalMs` (and never past the deadline). A
 * healthy, exited or restarted answer ends the wait; failures here never count towards `retries`, so the
 * regular loop that follows judges the container exactly as it would have. Returns undefined
 * when the phase ended undecided, with the time it took.
 */
export async function eagerProbes(
  timing: HealthTiming,
  probe: Probe,
  options: { readonly clock: Clock; readonly signal?: AbortSignal },
): Promise<{ readonly outcome?: HealthOutcome; readonly elapsedMs: number; readonly baseline?: Life }> {
  const { clock, signal } = options;
  const started = clock.now();
  const until = started + Math.min(timing.intervalMs, timing.deadlineMs);
  let probes = 0;
  let baseline: Life | undefined;
  for (let pause = FIRST_PAUSE_MS; ; pause *= 2) {
    signal?.throwIfAborted();
    const result = await probe({
      timeoutMs: Math.max(1, Math.min(timing.timeoutMs, Math.ceil(until - clock.now()))),
      ...(signal === undefined ? {} : { signal }),
    });
    probes += 1;
    const now = clock.now();
    baseline ??= result.life;
    const restarts = restartsSince(baseline, result.life);
    if (restarts > 0)
      return { outcome: { healthy: false, reason: "restarted", detail: restartedDetail(restarts, result.detail), probes }, elapsedMs: now - started };
    if (result.healthy) return { outcome: { healthy: true, after: now - started, probes }, elapsedMs: now - started };
    if (result.exited !== undefined) return { outcome: { healthy: false, reason: "exited", detail: result.detail, probes }, elapsedMs: now - started };
    if (now + pause >= until) return { elapsedMs: now - started, ...(baseline === undefined ? {} : { baseline }) };
    await clock.sleep(pause, signal);
  }
}
