import { test } from "node:test";
import assert from "node:assert/strict";
import { SlipwayError, isSlipwayError } from "../../../src/errors/index.js";
import { DEFAULT_CONFLICT_POLICY, decideConflictRetry, retryOnConflict, type ConflictPolicy } from "../../../src/proxy/conflict-retry.js";

const policy: ConflictPolicy = { deadlineMs: 1_000, baseDelayMs: 20, maxDelayMs: 200 };
const conflict = () =>
  new SlipwayError("PROXY_FAILED", "the reverse proxy at http://127.0.0.1:2019 refused route: If-Match header did not match current config hash");

test("a lost race waits between half and all of a doubling backoff, capped", () => {
  assert.deepEqual(decideConflictRetry(1, 0, 0, policy), { kind: "retry", delayMs: 10 });
  assert.deepEqual(decideConflictRetry(1, 0, 0.999, policy), { kind: "retry", delayMs: 20 });
  assert.deepEqual(decideConflictRetry(3, 0, 0, policy), { kind: "retry", delayMs: 40 });
  assert.deepEqual(decideConflictRetry(10, 0, 0, policy), { kind: "retry", delayMs: 100 });
  assert.deepEqual(decideConflictRetry(10, 0, 0.999, policy), { kind: "retry", delayMs: 200 });
});

test("it gives up only when the next wait would pass the deadline", () => {
  assert.deepEqual(decideConflictRetry(10, 850, 0.5, policy), { kind: "retry", delayMs: 150 });
  assert.deepEqual(decideConflictRetry(10, 851, 0.5, policy), { kind: "give-up" });
  assert.ok(DEFAULT_CONFLICT_POLICY.deadlineMs >= 10_000, "other writers get a fair while");
});

test("a change that loses races is re-run until it wins; the pauses follow the policy", async () => {
  const now = 0;
  const pauses: number[] = [];
  let tries = 0;
  const result = await retryOnConflict(
    async () => {
      tries += 1;
      if (tries < 5) throw conflict();
      return "set";
    },
    { policy, now: () => now, random: () => 0, sleep: async (ms) => void pauses.push(ms) },
  );
  assert.equal(result, "set");
  assert.equal(tries, 5);
  assert.deepEqual(pauses, [10, 20, 40, 80]);
});

test("past the deadline the last conflict is reported, saying how often another writer won", async () => {
  let now = 0;
  const error = await retryOnConflict(
    async () => {
      now += 300;
      throw conflict();
    },
    { policy, now: () => now, random: () => 0.5, sleep: async () => undefined },
  ).catch((e: unknown) => e);
  assert.ok(isSlipwayError(error, "PROXY_FAILED"));
  assert.match(error.message, /If-Match header did not match .* \(another writer changed the proxy's config 4 times in 1\.2 s\)$/);
});

test("other failures are not retried", async () => {
  let tries = 0;
  const error = await retryOnConflict(async () => {
    tries += 1;
    throw new SlipwayError("PROXY_UNREACHABLE", "the reverse proxy does not answer");
  }).catch((e: unknown) => e);
  assert.ok(isSlipwayError(error, "PROXY_UNREACHABLE"));
  assert.equal(tries, 1);
});
