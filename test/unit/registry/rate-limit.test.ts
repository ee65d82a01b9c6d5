import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRateLimit, parseRetryAfter } from "../../../src/registry/rate-limit.js";

const headers = (entries: Record<string, string>): Headers => new Headers(entries);

test("Docker Hub's ratelimit-limit and ratelimit-remaining with their window", () => {
  assert.deepEqual(parseRateLimit(headers({ "ratelimit-limit": "100;w=21600", "ratelimit-remaining": "76;w=21600", "docker-ratelimit-source": "1.2.3.4" })), {
    limit: 100,
    remaining: 76,
    windowSeconds: 21600,
  });
});

test("the IETF draft's separate headers, and the X- forms", () => {
  assert.deepEqual(parseRateLimit(headers({ "RateLimit-Limit": "100", "RateLimit-Remaining": "50", "RateLimit-Reset": "30" })), {
    limit: 100,
    remaining: 50,
    resetSeconds: 30,
  });
  assert.deepEqual(parseRateLimit(headers({ "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999" })), { limit: 5000, remaining: 4999 });
  assert.deepEqual(parseRateLimit(headers({ "ratelimit-limit": "10, 10;w=1, 1000;w=3600" })), { limit: 10 });
});

test("the combined RateLimit header, in its draft-7 and later forms", () => {
  assert.deepEqual(parseRateLimit(headers({ ratelimit: "limit=100, remaining=50, reset=30" })), { limit: 100, remaining: 50, resetSeconds: 30 });
  assert.deepEqual(parseRateLimit(headers({ ratelimit: '"default";r=50;t=30', "ratelimit-policy": '"default";q=100;w=60' })), {
    limit: 100,
    remaining: 50,
    resetSeconds: 30,
    windowSeconds: 60,
  });
});

test("no rate-limit headers, or unreadable ones, is undefined", () => {
  assert.equal(parseRateLimit(headers({ "content-type": "application/json" })), undefined);
  assert.equal(parseRateLimit(headers({ "ratelimit-remaining": "lots" })), undefined);
});

test("Retry-After in seconds or as an HTTP date", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  assert.equal(parseRetryAfter("120", now), 120_000);
  assert.equal(parseRetryAfter(" 0 ", now), 0);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), 0, "a past date means now");
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter("-5", now), undefined);
  assert.equal(parseRetryAfter("soon", now), undefined);
});
