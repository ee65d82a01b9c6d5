import { test } from "node:test";
import assert from "node:assert/strict";
import { isRetryable, retryDelayMs, type RetryTiming } from "../../../src/notify/index.js";

const timing = (random: number): RetryTiming => ({ baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000, random: () => random });
const status = (code: number, retryAfterMs?: number) => ({ kind: "status", status: code, retryAfterMs, said: undefined }) as const;

test("network errors, 408, 429 and 5xx are retried; other answers are final", () => {
  assert.equal(isRetryable({ kind: "network", message: "connection refused" }), true);
  for (const code of [408, 429, 500, 502, 503, 504]) assert.equal(isRetryable(status(code)), true, String(code));
  for (const code of [301, 400, 401, 403, 404, 410, 422]) assert.equal(isRetryable(status(code)), false, String(code));
  assert.equal(isRetryable({ kind: "delivered", status: 200 }), false);
});

test("the backoff doubles per retry, between half and all of it, and is capped", () => {
  assert.deepEqual(
    [0, 1, 2, 3].map((retry) => retryDelayMs(retry, undefined, timing(0))),
    [500, 1000, 2000, 4000],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((retry) => retryDelayMs(retry, undefined, timing(0.999999))),
    [1000, 2000, 4000, 8000],
  );
  assert.equal(retryDelayMs(20, undefined, timing(0.999999)), 60_000);
  assert.equal(retryDelayMs(20, undefined, timing(0)), 30_000);
});

test("a Retry-After is waited out in full, unless it is longer than allowed", () => {
  assert.equal(retryDelayMs(0, 7000, timing(0.5)), 7000);
  assert.equal(retryDelayMs(3, 100, timing(0)), 4000, "the backoff wins when it is longer");
  assert.equal(retryDelayMs(0, 300_001, timing(0.5)), undefined);
});
