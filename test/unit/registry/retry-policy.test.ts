import { test } from "node:test";
import assert from "node:assert/strict";
import { decideRetry, type RetryPolicy } from "../../../src/registry/retry-policy.js";

const policy: RetryPolicy = { maxRetries: 2, baseDelayMs: 100, maxRetryAfterMs: 30_000 };
const status = (code: number, retryAfterMs?: number) => ({ kind: "status", status: code, retryAfterMs }) as const;
const network = (code: string) => ({ kind: "network", failure: { code, message: code } }) as const;

test("answers other than 429 and 500/502/503/504 are final", () => {
  for (const code of [200, 202, 401, 404, 405, 501]) assert.deepEqual(decideRetry(status(code), 0, policy), { kind: "done" });
});

test("5xx backs off, doubling, until the retries run out", () => {
  assert.deepEqual(decideRetry(status(503), 0, policy), { kind: "retry", delayMs: 100 });
  assert.deepEqual(decideRetry(status(502), 1, policy), { kind: "retry", delayMs: 200 });
  assert.deepEqual(decideRetry(status(500), 2, policy), { kind: "give-up", retryAfterMs: undefined });
});

test("429 waits what Retry-After asks, up to the cap; beyond it, gives up at once", () => {
  assert.deepEqual(decideRetry(status(429, 5_000), 0, policy), { kind: "retry", delayMs: 5_000 });
  assert.deepEqual(decideRetry(status(429), 0, policy), { kind: "retry", delayMs: 100 });
  assert.deepEqual(decideRetry(status(429, 3_600_000), 0, policy), { kind: "give-up", retryAfterMs: 3_600_000 });
  assert.deepEqual(decideRetry(status(503, 60_000), 0, policy), { kind: "give-up", retryAfterMs: 60_000 });
});

test("network failures are retried, except a host name that does not resolve", () => {
  assert.deepEqual(decideRetry(network("ECONNRESET"), 0, policy), { kind: "retry", delayMs: 100 });
  assert.deepEqual(decideRetry(network("ECONNREFUSED"), 2, policy), { kind: "give-up", retryAfterMs: undefined });
  assert.deepEqual(decideRetry(network("ENOTFOUND"), 0, policy), { kind: "give-up", retryAfterMs: undefined });
  assert.deepEqual(decideRetry(network("ECONNREFUSED"), 0, { ...policy, maxRetries: 0 }), { kind: "give-up", retryAfterMs: undefined });
});
