import assert from "node:assert/strict";
import { hostname } from "node:os";
import { test } from "node:test";
import { deadLocalHolder, leaderStep } from "../../../src/controller/leadership.js";
import type { Leadership } from "../../../src/store/index.js";

const at = new Date("2026-12-06T12:00:00Z");
const leadership = (holder: string, epoch: number): Leadership => ({ name: "controller", holder, epoch, since: at, renewedAt: at, expiresAt: at });
const term = { name: "controller", holder: "me", epoch: 3 };

test("a won claim starts leading; a renewal of the running term carries on; a new epoch is a new term", () => {
  assert.deepEqual(leaderStep(undefined, { acquired: true, leadership: leadership("me", 3) }, 0), { step: "lead", restart: false });
  assert.deepEqual(leaderStep(term, { acquired: true, leadership: leadership("me", 3) }, 5_000), { step: "stay", restart: false });
  assert.deepEqual(leaderStep(term, { acquired: true, leadership: leadership("me", 4) }, 5_000), { step: "lead", restart: true });
});

test("a lost claim stops a running term and leaves a follower following", () => {
  assert.deepEqual(leaderStep(term, { acquired: false, leadership: leadership("other", 4) }, 5_000), { step: "follow", restart: false });
  assert.deepEqual(leaderStep(undefined, { acquired: false, leadership: leadership("other", 4) }, 0), { step: "stay", restart: false });
});

test("a claim the store did not answer keeps the term only while its lease runs by our clock", () => {
  assert.deepEqual(leaderStep(term, "failed", 4_000), { step: "stay", restart: false });
  assert.deepEqual(leaderStep(term, "failed", 0), { step: "follow", restart: false });
  assert.deepEqual(leaderStep(undefined, "failed", 0), { step: "stay", restart: false });
});

test("only a controller of this host whose process is gone counts as dead", () => {
  const alive = (pid: number): boolean => pid !== 4242;
  assert.equal(deadLocalHolder(`${hostname()}:4242:abc123`, alive), `${hostname()}:4242:abc123`);
  assert.equal(deadLocalHolder(`${hostname()}:4243:abc123`, alive), undefined);
  assert.equal(deadLocalHolder(`another-host:4242:abc123`, alive), undefined, "another host's leader is waited out");
  assert.equal(
    deadLocalHolder(`${hostname()}:${process.pid}:abc123`, () => false),
    undefined,
    "never this process",
  );
  assert.equal(deadLocalHolder("garbage", alive), undefined);
});
