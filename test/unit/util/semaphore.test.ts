import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { createSemaphore } from "../../../src/util/semaphore.js";

test("no more than the limit run at once, and every piece of work runs", async () => {
  const limit = createSemaphore(2);
  let active = 0;
  let peak = 0;
  const done: number[] = [];
  await Promise.all(
    [1, 2, 3, 4, 5].map((n) =>
      limit(async () => {
        active += 1;
        peak = Math.max(peak, active);
        await sleep(5);
        active -= 1;
        done.push(n);
      }),
    ),
  );
  assert.equal(peak, 2);
  assert.deepEqual([...done].sort(), [1, 2, 3, 4, 5]);
});

test("a failing piece of work frees its place", async () => {
  const limit = createSemaphore(1);
  await assert.rejects(
    limit(() => Promise.reject(new Error("boom"))),
    /boom/,
  );
  assert.equal(await limit(() => Promise.resolve("next")), "next");
});
