import { test } from "node:test";
import assert from "node:assert/strict";
import { rateLimitedError } from "../../../src/registry/registry-errors.js";
import { SlipwayError } from "../../../src/errors/index.js";
import { backoffMs, firstDelayMs, jittered, nextDelayMs, rateLimitCooldownMs, rateLimitWaitMs } from "../../../src/pollers/index.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const fixed = (value: number) => () => value;

test("jitter spreads a delay over interval × (1 ± jitter), centred on the interval", () => {
  assert.equal(jittered(MINUTE, 0.1, fixed(0)), 54_000);
  assert.equal(jittered(MINUTE, 0.1, fixed(0.5)), MINUTE);
  assert.equal(jittered(MINUTE, 0.1, fixed(0.999999)), 66_000);
  assert.equal(jittered(MINUTE, 0, fixed(0.9)), MINUTE, "no jitter: exactly the interval");
  assert.equal(jittered(MINUTE, 5, fixed(0)), 0, "jitter is capped at 1");
  for (let i = 0; i < 1000; i += 1) {
    const delay = nextDelayMs({ intervalMs: MINUTE, jitter: 0.2, failures: 0, maxBackoffMs: HOUR, random: Math.random });
    assert.ok(delay >= 48_000 && delay <= 72_000, String(delay));
  }
});

test("failures back off interval × 2^n up to the cap, and a success resets it", () => {
  const delays = [0, 1, 2, 3, 4, 5, 6, 7].map((failures) => backoffMs(MINUTE, failures, 30 * MINUTE));
  assert.deepEqual(delays, [MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 16 * MINUTE, 30 * MINUTE, 30 * MINUTE, 30 * MINUTE]);
  assert.equal(backoffMs(24 * HOUR, 3, HOUR), 24 * HOUR, "the cap is never below the interval");
  assert.equal(nextDelayMs({ intervalMs: MINUTE, jitter: 0.1, failures: 50, maxBackoffMs: HOUR, random: fixed(0.5) }), HOUR);
  assert.equal(
    nextDelayMs({ intervalMs: MINUTE, jitter: 0.1, failures: 50, maxBackoffMs: HOUR, random: fixed(0.75) }),
    63 * MINUTE,
    "jitter applies after the cap",
  );
});

test("a rate-limit wait is a floor: the next check is never sooner", () => {
  const inputs = { intervalMs: MINUTE, jitter: 0.1, failures: 1, maxBackoffMs: HOUR, random: fixed(0.999999) };
  assert.equal(nextDelayMs({ ...inputs, waitAtLeastMs: 10 * MINUTE }), 10 * MINUTE);
  assert.equal(nextDelayMs({ ...inputs, waitAtLeastMs: 1000 }), 132_000, "a shorter wait does not shorten the backoff");
});

test("the first check comes within interval × jitter, so pollers started together spread out", () => {
  assert.equal(firstDelayMs(MINUTE, 0.1, fixed(0)), 0);
  assert.equal(firstDelayMs(MINUTE, 0.1, fixed(0.5)), 3000);
  assert.ok(firstDelayMs(MINUTE, 0.1, fixed(0.999999)) <= 6000);
});

test("the wait a registry asked for is read from the client's REGISTRY_RATE_LIMITED error", () => {
  assert.equal(rateLimitWaitMs(rateLimitedError("registry-1.docker.io", "look up myorg/foo:qa", 120_000)), 120_000);
  assert.equal(rateLimitWaitMs(rateLimitedError("registry-1.docker.io", "look up myorg/foo:qa", 1500)), 2000, "rounded up to whole seconds");
  assert.equal(rateLimitWaitMs(rateLimitedError("registry-1.docker.io", "look up myorg/foo:qa", undefined)), undefined);
  assert.equal(rateLimitWaitMs(new SlipwayError("REGISTRY_RATE_LIMITED", "slow down", { details: ["retry-after-ms: 4500"] })), 4500);
  assert.equal(rateLimitWaitMs(new SlipwayError("REGISTRY_FAILED", "x answered HTTP 500; retry in 60 s")), undefined, "only rate limits count");
  assert.equal(rateLimitWaitMs(new Error("retry in 60 s")), undefined);
});

test("after a success with no requests left in the window, the next check waits for the reset", () => {
  assert.equal(rateLimitCooldownMs({ limit: 100, remaining: 0, resetSeconds: 90 }), 90_000);
  assert.equal(rateLimitCooldownMs({ limit: 100, remaining: 3, resetSeconds: 90 }), undefined);
  assert.equal(rateLimitCooldownMs({ limit: 100, remaining: 0, windowSeconds: 21600 }), undefined);
  assert.equal(rateLimitCooldownMs(undefined), undefined);
});
