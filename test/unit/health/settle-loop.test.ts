import { test } from "node:test";
import assert from "node:assert/strict";
import type { Clock } from "../../../src/health/clock.js";
import type { Probe } from "../../../src/health/health-loop.js";
import type { ProbeResult } from "../../../src/health/health-state.js";
import { runSettle } from "../../../src/health/settle-loop.js";

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

const life = { startedAt: "t0", restarts: 0 };
const passed: ProbeResult = { healthy: true, detail: "the container is running", life };

function looks(results: ProbeResult[]): Probe {
  let index = 0;
  return async () => results[Math.min(index++, results.length - 1)] ?? passed;
}

test("settling looks every 100 ms until the settle time is over", async () => {
  const clock = fakeClock();
  const outcome = await runSettle(300, looks([passed]), { clock, startedAt: 0, passed, probes: 1 });
  assert.deepEqual(outcome, { healthy: true, after: 300, probes: 1 });
  assert.deepEqual(clock.sleeps, [100, 100, 100]);
});

test("a container that exits at once with restart policy `always` is caught restarting, and fails the gate", async () => {
  const clock = fakeClock();
  const restarting: ProbeResult = {
    healthy: false,
    detail: "exited with code 3 after 0.02 s, and its restart policy is restarting it",
    exited: { exitCode: 3 },
    life,
  };
  const outcome = await runSettle(2_000, looks([passed, restarting]), { clock, startedAt: 0, passed, probes: 1 });
  assert.ok(!outcome.healthy);
  assert.equal(outcome.reason, "exited");
  assert.match(outcome.detail, /^exited with code 3 after 0.02 s, and its restart policy is restarting it, 0.1 s after it passed/);
});
