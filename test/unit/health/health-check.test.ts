import { test } from "node:test";
import assert from "node:assert/strict";
import { isSlipwayError } from "../../../src/errors/index.js";
import { DEFAULT_HEALTH_TIMING, resolveTiming, type HealthCheck } from "../../../src/health/index.js";

test("timings default to start 0, interval 1 s, timeout 2 s, 3 retries, deadline 60 s", () => {
  assert.deepEqual(resolveTiming({ kind: "running" }), { startPeriodMs: 0, intervalMs: 1_000, timeoutMs: 2_000, retries: 3, deadlineMs: 60_000 });
  assert.deepEqual(DEFAULT_HEALTH_TIMING, resolveTiming({ kind: "docker" }));
});

test("given timings replace the defaults one by one", () => {
  const timing = resolveTiming({ kind: "http", path: "/healthz", startPeriodMs: 5_000, retries: 1 });
  assert.deepEqual(timing, { startPeriodMs: 5_000, intervalMs: 1_000, timeoutMs: 2_000, retries: 1, deadlineMs: 60_000 });
});

test("an invalid check is refused with HEALTH_CHECK_INVALID listing every problem", () => {
  const check: HealthCheck = { kind: "http", path: "healthz", status: 999, port: 70_000, retries: 0, timeoutMs: 0, intervalMs: -1 };
  assert.throws(
    () => resolveTiming(check),
    (error: unknown) => {
      assert.ok(isSlipwayError(error, "HEALTH_CHECK_INVALID"));
      assert.match(error.message, /^the http health check is not valid: /);
      assert.equal(error.details.length, 6);
      for (const word of ["intervalMs", "timeoutMs", "retries", "path", "status", "port"]) {
        assert.ok(
          error.details.some((line) => line.startsWith(word)),
          `a problem about ${word}: ${error.details.join(" | ")}`,
        );
      }
      return true;
    },
  );
});

test("a command check needs a program to run", () => {
  assert.throws(
    () => resolveTiming({ kind: "command", command: [] }),
    (error: unknown) => isSlipwayError(error, "HEALTH_CHECK_INVALID"),
  );
  assert.throws(
    () => resolveTiming({ kind: "command", command: [""] }),
    (error: unknown) => isSlipwayError(error, "HEALTH_CHECK_INVALID"),
  );
  assert.doesNotThrow(() => resolveTiming({ kind: "command", command: ["pg_isready", "-q"] }));
});
