import assert from "node:assert/strict";
import { test } from "node:test";
import { describeWait, soakDecision } from "../../../src/autoupdate/soak.js";

const now = new Date("2026-12-03T12:00:00Z");
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const HOUR = 3_600_000;

test("the newest version that has been seen for min_age is taken, however many newer ones wait", () => {
  const decision = soakDecision(
    [
      { id: "c", firstSeen: ago(5) },
      { id: "b", firstSeen: ago(61) },
      { id: "a", firstSeen: ago(120) },
    ],
    now,
    HOUR,
  );
  assert.deepEqual(decision, { kind: "take", candidate: { id: "b", firstSeen: ago(61) }, newerWaiting: 1 });
});

test("nothing has soaked: wait for the one that soaks first; a version seen for the first time waits the whole min_age", () => {
  assert.deepEqual(
    soakDecision(
      [
        { id: "c", firstSeen: ago(5) },
        { id: "b", firstSeen: ago(13) },
      ],
      now,
      HOUR,
    ),
    { kind: "wait", candidate: { id: "b", firstSeen: ago(13) }, leftMs: 47 * 60_000 },
  );
  assert.deepEqual(soakDecision([{ id: "new", firstSeen: undefined }], now, HOUR), {
    kind: "wait",
    candidate: { id: "new", firstSeen: undefined },
    leftMs: HOUR,
  });
  assert.deepEqual(soakDecision([], now, HOUR), { kind: "none" });
  assert.equal(soakDecision([{ id: "x", firstSeen: ago(60) }], now, HOUR).kind, "take", "exactly min_age old is old enough");
});

test("the wait reads as people say it", () => {
  assert.equal(describeWait(2 * HOUR, 47 * 60_000), "min_age 2h: 47 min left");
  assert.equal(describeWait(60_000, 20_000), "min_age 1 min: 20 s left");
  assert.equal(describeWait(24 * HOUR, 150 * 60_000), "min_age 24h: 2h 30 min left");
});
