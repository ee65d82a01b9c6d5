import { test } from "node:test";
import assert from "node:assert/strict";
import type { Clock } from "../../../src/health/clock.js";
import { DEFAULT_HEALTH_TIMING, type HealthTiming } from "../../../src/health/health-check.js";
import { runHealthLoop, type Probe, type ProbeEvent } from "../../../src/health/health-loop.js";
import type { ProbeResult } from "../../../src/health/health-state.js";

/** A clock that only moves when the loop sleeps or a scripted probe takes time. */
function fakeClock(): Clock & { advance(ms: number): void; sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Answers with the scripted results in turn (the last one repeats), each taking `takesMs` of fake time. */
function scripted(clock: ReturnType<typeof fakeClock>, results: ProbeResult[], takesMs = 0): Probe & { budgets: number[] } {
  const budgets: number[] = [];
  let index = 0;
  const probe = async ({ timeoutMs }: { timeoutMs: number }): Promise<ProbeResult> => {
    budgets.push(timeoutMs);
    clock.advance(Math.min(takesMs, timeoutMs));
    const result = results[Math.min(index, results.length - 1)];
    index += 1;
    assert.ok(result);
    return result;
  };
  return Object.assign(probe, { budgets });
}

const timing = (overrides: Partial<HealthTiming> = {}): HealthTiming => ({ ...DEFAULT_HEALTH_TIMING, ...overrides });
const refused: ProbeResult = { healthy: false, detail: "connection refused at 127.0.0.1:8080" };

test("probes every interval until healthy, and reports when", async () => {
  const clock = fakeClock();
  const probe = scripted(clock, [refused, refused, { healthy: true, detail: "HTTP 200" }], 50);
  const outcome = await runHealthLoop(timing(), probe, { clock });
  assert.deepEqual(outcome, { healthy: true, after: 2_150, probes: 3 });
  assert.deepEqual(clock.sleeps, [1_000, 1_000]);
});

test("in the start period a failing app is given time; after it, `retries` failures end the wait", async () => {
  const clock = fakeClock();
  const events: ProbeEvent[] = [];
  const probe = scripted(clock, [refused]);
  const outcome = await runHealthLoop(timing({ startPeriodMs: 3_000, retries: 2 }), probe, { clock, onProbe: (event) => events.push(event) });
  assert.ok(!outcome.healthy);
  assert.equal(outcome.reason, "unhealthy");
  assert.equal(outcome.probes, 5);
  assert.deepEqual(
    events.map((e) => [e.attempt, e.elapsedMs, e.failures]),
    [
      [1, 0, 0],
      [2, 1_000, 0],
      [3, 2_000, 0],
      [4, 3_000, 1],
      [5, 4_000, 2],
    ],
  );
  assert.match(outcome.detail, /connection refused at 127\.0\.0\.1:8080$/);
});

test("the deadline stops the wait at the deadline, and a slow probe gets only the time left", async () => {
  const clock = fakeClock();
  const probe = scripted(clock, [{ healthy: false, detail: "no answer from 127.0.0.1:8080 in 2 s" }], 60_000);
  const outcome = await runHealthLoop(timing({ timeoutMs: 2_000, intervalMs: 1_000, deadlineMs: 4_500, retries: 10 }), probe, { clock });
  assert.ok(!outcome.healthy);
  assert.equal(outcome.reason, "deadline");
  assert.deepEqual(probe.budgets, [2_000, 1_500]);
  assert.equal(clock.now(), 4_500);
  assert.equal(outcome.detail, "not healthy within 4.5 s; the last probe: no answer from 127.0.0.1:8080 in 2 s");
});

test("an exited container ends the wait at the first probe that sees it, long before the deadline", async () => {
  const clock = fakeClock();
  const exited: ProbeResult = { healthy: false, detail: "exited with code 3 after 0.03 s", exited: { exitCode: 3 } };
  const probe = scripted(clock, [refused, exited]);
  const outcome = await runHealthLoop(timing({ startPeriodMs: 30_000, deadlineMs: 60_000 }), probe, { clock });
  assert.deepEqual(outcome, { healthy: false, reason: "exited", detail: "exited with code 3 after 0.03 s", probes: 2 });
  assert.equal(clock.now(), 1_000);
});

test("aborting the signal rejects the wait with the signal's reason", async () => {
  const clock = fakeClock();
  const controller = new AbortController();
  const probe = scripted(clock, [refused]);
  const reason = new Error("deployment cancelled");
  const waiting = runHealthLoop(timing({ retries: 100, deadlineMs: 1_000_000 }), probe, {
    clock,
    signal: controller.signal,
    onProbe: (event) => {
      if (event.attempt === 3) controller.abort(reason);
    },
  });
  await assert.rejects(waiting, (error) => error === reason);
  assert.equal(probe.budgets.length, 3);
});

test("a wait that wakes a hair before its deadline names the last real answer, not the probe the deadline cut to 1 ms", async () => {
  let now = 0;
  const clock: Clock = {
    now: () => now,
    // Timers may fire a fraction of a millisecond early against the monotonic clock.
    sleep: async (ms) => {
      now += ms - 0.5;
    },
  };
  const notFound: ProbeResult = { healthy: false, detail: "HTTP 404 from GET http://127.0.0.1:32768/healthz (expected 200)" };
  const probe: Probe = async ({ timeoutMs }) => {
    if (timeoutMs >= 1_000) return notFound;
    now += timeoutMs;
    return { healthy: false, detail: `no answer from http://127.0.0.1:32768/healthz in ${timeoutMs / 1000} s`, timedOut: { afterMs: timeoutMs } };
  };
  const outcome = await runHealthLoop(timing({ intervalMs: 2_000, timeoutMs: 5_000, retries: 1_000_000, deadlineMs: 4_000 }), probe, { clock });
  assert.ok(!outcome.healthy);
  assert.equal(outcome.reason, "deadline");
  assert.equal(outcome.detail, "not healthy within 4 s; the last probe: HTTP 404 from GET http://127.0.0.1:32768/healthz (expected 200)");
});

test("a restart seen by an earlier phase (the baseline) fails the loop, though the container answers", async () => {
  const clock = fakeClock();
  const probe = scripted(clock, [{ healthy: true, detail: "HTTP 200", life: { startedAt: "t1", restarts: 1 } }]);
  const outcome = await runHealthLoop(timing(), probe, { clock, baseline: { startedAt: "t0", restarts: 0 } });
  assert.ok(!outcome.healthy);
  assert.equal(outcome.reason, "restarted");
});
