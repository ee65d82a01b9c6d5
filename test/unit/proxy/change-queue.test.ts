import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { queuedProxies, serialised } from "../../../src/proxy/change-queue.js";

test("changes of one proxy run one at a time, in the order asked; a failure fails only its caller", async () => {
  const log: string[] = [];
  const change =
    (name: string, ms: number, fail = false) =>
    async () => {
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    };
  const results = await Promise.allSettled([
    serialised("http://127.0.0.1:2019", change("a", 30)),
    serialised("http://127.0.0.1:2019", change("b", 5, true)),
    serialised("http://127.0.0.1:2019", change("c", 1)),
  ]);
  assert.deepEqual(log, ["start a", "end a", "start b", "end b", "start c", "end c"]);
  assert.deepEqual(
    results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message)),
    ["a", "b failed", "c"],
  );
  await sleep(0);
  assert.equal(queuedProxies(), 0, "an idle proxy keeps no queue");
});

test("changes of different proxies run side by side", async () => {
  const log: string[] = [];
  const change = (name: string) => async () => {
    log.push(`start ${name}`);
    await sleep(10);
    log.push(`end ${name}`);
  };
  await Promise.all([serialised("http://127.0.0.1:2019", change("a")), serialised("http://127.0.0.1:2020", change("b"))]);
  assert.deepEqual(log.slice(0, 2), ["start a", "start b"]);
});
