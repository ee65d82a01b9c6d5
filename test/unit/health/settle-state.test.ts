import { test } from "node:test";
import assert from "node:assert/strict";
import type { ProbeResult } from "../../../src/health/health-state.js";
import { restartsSince, type Life } from "../../../src/health/life.js";
import { DEFAULT_SETTLE_MS, SETTLE_LOOK_MS, defaultSettleMs, recordLook, type SettleState } from "../../../src/health/settle-state.js";

const born: Life = { startedAt: "2026-12-02T06:31:00.9Z", restarts: 0 };
const state: SettleState = { startedAt: 1_000, passedAt: 1_300, passed: "HTTP 200 from GET http://127.0.0.1:32768/", probes: 2, baseline: born };
const up = (life: Life = born): ProbeResult => ({ healthy: true, detail: "the container is running", life });

test("a container that stays up for the settle time is healthy, its time counted from the start of the wait", () => {
  assert.deepEqual(recordLook(state, up(), 500, 1_300), { kind: "wait", waitMs: SETTLE_LOOK_MS });
  assert.deepEqual(recordLook(state, up(), 500, 1_750), { kind: "wait", waitMs: 50 });
  assert.deepEqual(recordLook(state, up(), 500, 1_800), { kind: "done", outcome: { healthy: true, after: 800, probes: 2 } });
});

test("a container that exits while it settles fails, naming its exit and the probe it had passed", () => {
  const exited: ProbeResult = { healthy: false, detail: "exited with code 3 after 0.2 s", exited: { exitCode: 3 }, life: born };
  assert.deepEqual(recordLook(state, exited, 2_000, 1_500), {
    kind: "done",
    outcome: {
      healthy: false,
      reason: "exited",
      detail: "exited with code 3 after 0.2 s, 0.2 s after it passed its health check (HTTP 200 from GET http://127.0.0.1:32768/)",
      probes: 2,
    },
  });
});

test("settling on its own (the probe was the caller's), the message names no probe rather than an empty one", () => {
  const exited: ProbeResult = { healthy: false, detail: "exited with code 137 after 0.4 s", exited: { exitCode: 137 }, life: born };
  const step = recordLook({ ...state, passed: "" }, exited, 500, 1_500);
  assert.ok(step.kind === "done" && !step.outcome.healthy);
  assert.equal(step.outcome.detail, "exited with code 137 after 0.4 s, 0.2 s after it passed its health check");
});

test("a container its restart policy restarted between two looks fails, though it runs again", () => {
  const step = recordLook(state, up({ startedAt: "2026-12-02T06:31:01.8Z", restarts: 2 }), 2_000, 1_600);
  assert.ok(step.kind === "done" && !step.outcome.healthy);
  assert.equal(step.outcome.reason, "restarted");
  assert.match(step.outcome.detail, /^restarted 2 times during the health check/);
});

test("a container that stops running in another way (paused) fails too", () => {
  const step = recordLook(state, { healthy: false, detail: "the container is paused", life: born }, 2_000, 1_400);
  assert.ok(step.kind === "done" && !step.outcome.healthy);
  assert.equal(step.outcome.reason, "unhealthy");
  assert.match(step.outcome.detail, /^the container is paused, 0.1 s after/);
});

test("the settle time defaults to 2 s for a running check and 0.5 s after a probe that answered", () => {
  assert.equal(defaultSettleMs("running"), DEFAULT_SETTLE_MS.running);
  assert.equal(DEFAULT_SETTLE_MS.running, 2_000);
  for (const kind of ["http", "tcp", "command", "docker"] as const) assert.equal(defaultSettleMs(kind), 500);
});

test("restarts are counted from RestartCount, or from a new start time when the count did not move", () => {
  assert.equal(restartsSince(born, born), 0);
  assert.equal(restartsSince(born, { startedAt: "later", restarts: 3 }), 3);
  assert.equal(restartsSince(born, { startedAt: "later", restarts: 0 }), 1);
  assert.equal(restartsSince(undefined, born), 0);
  assert.equal(restartsSince(born, undefined), 0);
});
