import { test } from "node:test";
import assert from "node:assert/strict";
import type { Clock } from "../../../src/health/clock.js";
import { eagerProbes } from "../../../src/health/eager-probes.js";
import { DEFAULT_HEALTH_TIMING, type HealthTiming } from "../../../src/health/health-check.js";
import type { Probe } from "../../../src/health/health-loop.js";
import type { ProbeResult } from "../../../src/health/health-state.js";

// The deploy's health gate probes a just-started container eagerly (src/deploy/health-gate.ts).

function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function scripted(results: readonly ProbeResult[]): Probe & { calls: number } {
  const probe = Object.assign(
    async (): Promise<ProbeResult> => {
      const result = results[Math.min(probe.calls, results.length - 1)] ?? { healthy: false, detail: "none" };
      probe.calls += 1;
      return result;
    },
    { calls: 0 },
  );
  return probe;
}

const timing = (overrides: Partial<HealthTiming> = {}): HealthTiming => ({ ...DEFAULT_HEALTH_TIMING, intervalMs: 200, ...overrides });
const refused: ProbeResult = { healthy: false, detail: "connection refused" };

test("a container that answers on the third probe is healthy after 10 + 20 ms, not an interval later", async () => {
  const clock = fakeClock();
  const early = await eagerProbes(timing(), scripted([refused, refused, { healthy: true, detail: "HTTP 200" }]), { clock });
  assert.deepEqual(early.outcome, { healthy: true, after: 30, probes: 3 });
  assert.deepEqual(clock.sleeps, [10, 20]);
});

test("the eager phase lasts at most one interval and its failures decide nothing", async () => {
  const clock = fakeClock();
  const early = await eagerProbes(timing({ retries: 1 }), scripted([refused]), { clock });
  assert.equal(early.outcome, undefined);
  assert.deepEqual(clock.sleeps, [10, 20, 40, 80]);
  assert.ok(early.elapsedMs <= 200);
});

test("a container that exited ends the wait at once", async () => {
  const clock = fakeClock();
  const exited: ProbeResult = { healthy: false, detail: "exited with code 3 after 0.1 s", exited: { exitCode: 3 } };
  const early = await eagerProbes(timing(), scripted([refused, exited]), { clock });
  assert.deepEqual(early.outcome, { healthy: false, reason: "exited", detail: exited.detail, probes: 2 });
});
