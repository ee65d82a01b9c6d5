import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as tickOver } from "node:timers/promises";
import { rateLimitedError } from "../../../src/registry/registry-errors.js";
import { createPoller, type PollerLog, type PollerTimers, type WatchChange } from "../../../src/pollers/index.js";
import { openSqliteStore, type Store } from "../../../src/store/index.js";

const MINUTE = 60_000;

/** Timers that only record: the test fires them one at a time and reads the delays asked for. */
function manualTimers(): PollerTimers & { delays: number[]; fire(): Promise<void>; live(): number } {
  const entries: { callback: () => void; ms: number; cancelled: boolean; fired: boolean }[] = [];
  return {
    delays: [],
    set(callback, ms) {
      const entry = { callback, ms, cancelled: false, fired: false };
      entries.push(entry);
      this.delays.push(ms);
      return () => {
        entry.cancelled = true;
      };
    },
    live: () => entries.filter((entry) => !entry.cancelled && !entry.fired).length,
    async fire() {
      const entry = entries.find((candidate) => !candidate.cancelled && !candidate.fired);
      assert.ok(entry, "a timer is waiting");
      entry.fired = true;
      const before = entries.length;
      entry.callback();
      for (let i = 0; i < 1000 && entries.length === before; i += 1) await tickOver();
    },
  };
}

function tempStore(t: TestContext): Store {
  const dir = mkdtempSync(join(tmpdir(), "slipway-poller-"));
  const store = openSqliteStore(join(dir, "slipway.db"));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

const quiet: PollerLog = { info() {}, warn() {} };

test("a value is acted on once per change, and stored only after onChange resolved", async (t) => {
  const store = tempStore(t);
  const timers = manualTimers();
  const values = ["a1", "a1", "b2", "b2", "b2"];
  const changes: WatchChange[] = [];
  let failNext = false;
  const poller = createPoller({
    name: "test",
    intervalMs: MINUTE,
    jitter: 0,
    store,
    key: "test:one",
    timers,
    log: quiet,
    random: () => 0.5,
    check: async () => values.shift() ?? "b2",
    onChange: async (change) => {
      changes.push(change);
      if (failNext) {
        failNext = false;
        throw new Error("the pipeline could not start");
      }
    },
  });
  poller.start();
  assert.deepEqual(timers.delays, [0], "first check at once when jitter is 0");
  await timers.fire();
  assert.deepEqual(changes, [{ current: "a1" }], "first sight fires with no previous");
  assert.equal((await store.getWatch("test:one"))?.value, "a1");
  await timers.fire();
  assert.equal(changes.length, 1, "same value: nothing");
  failNext = true;
  await timers.fire();
  assert.deepEqual(changes.at(-1), { previous: "a1", current: "b2" });
  assert.equal((await store.getWatch("test:one"))?.value, "a1", "not stored: onChange failed");
  assert.equal(timers.delays.at(-1), 2 * MINUTE, "a failed onChange backs off like a failed check");
  await timers.fire();
  assert.deepEqual(
    changes.slice(1),
    [
      { previous: "a1", current: "b2" },
      { previous: "a1", current: "b2" },
    ],
    "retried on the next check",
  );
  assert.equal((await store.getWatch("test:one"))?.value, "b2");
  assert.equal(timers.delays.at(-1), MINUTE, "a success resets the backoff");
  await poller.stop();
  assert.equal(timers.live(), 0, "stop leaves no timer");
});

test("errors back off interval × 2^n to the cap; a rate limit waits what the registry asked", async (t) => {
  const store = tempStore(t);
  const timers = manualTimers();
  const warnings: string[] = [];
  const failures: unknown[] = [
    new Error("a"),
    new Error("b"),
    new Error("c"),
    new Error("d"),
    rateLimitedError("registry.example.com", "look up app:qa", 3 * 60 * MINUTE),
  ];
  const poller = createPoller({
    name: "tag app:qa",
    intervalMs: MINUTE,
    jitter: 0,
    maxBackoffMs: 5 * MINUTE,
    store,
    key: "test:two",
    timers,
    random: () => 0.5,
    log: { info() {}, warn: (_fields, message) => warnings.push(message) },
    check: async () => {
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return "sha256:0123456789abcdef";
    },
    onChange: () => undefined,
  });
  poller.start();
  for (let i = 0; i < 6; i += 1) await timers.fire();
  assert.deepEqual(timers.delays, [0, 2 * MINUTE, 4 * MINUTE, 5 * MINUTE, 5 * MINUTE, 3 * 60 * MINUTE, MINUTE]);
  assert.match(warnings[0] ?? "", /^tag app:qa: check failed: a; next check in 120 s$/);
  assert.match(warnings[4] ?? "", /asked Slipway to slow down .*next check in 10800 s$/);
  await poller.stop();
});

test("jitter spreads the delays around the interval with the injected random", async (t) => {
  const store = tempStore(t);
  const timers = manualTimers();
  const randoms = [0.5, 0, 0.999999, 0.25];
  const poller = createPoller({
    name: "spread",
    intervalMs: MINUTE,
    jitter: 0.2,
    store,
    key: "test:three",
    timers,
    log: quiet,
    random: () => randoms.shift() ?? 0.5,
    check: async () => "same",
    onChange: () => undefined,
  });
  poller.start();
  for (let i = 0; i < 3; i += 1) await timers.fire();
  assert.deepEqual(timers.delays, [6000, 48_000, 72_000, 54_000]);
  await poller.stop();
});

test("stop cancels a check in progress: no onChange, nothing stored", async (t) => {
  const store = tempStore(t);
  let seenSignal: AbortSignal | undefined;
  let onChangeCalls = 0;
  const poller = createPoller({
    name: "slow",
    intervalMs: MINUTE,
    store,
    key: "test:four",
    log: quiet,
    check: (signal) => {
      seenSignal = signal;
      return new Promise<string>((resolve) => setTimeout(() => resolve("late"), 300));
    },
    onChange: () => {
      onChangeCalls += 1;
    },
  });
  const checking = poller.checkNow();
  await tickOver();
  const started = performance.now();
  await poller.stop();
  assert.ok(performance.now() - started < 200, "stop does not wait for the check");
  await checking;
  assert.equal(seenSignal?.aborted, true);
  await new Promise((resolve) => setTimeout(resolve, 350));
  assert.equal(onChangeCalls, 0);
  assert.equal(await store.getWatch("test:four"), undefined);
});

test("checkNow rejects with the check's error; fireOnFirstSight false only records the first value", async (t) => {
  const store = tempStore(t);
  const changes: WatchChange[] = [];
  let value: string | Error = new Error("no route to host");
  const poller = createPoller({
    name: "quiet",
    intervalMs: MINUTE,
    store,
    key: "test:five",
    log: quiet,
    fireOnFirstSight: false,
    check: async () => {
      if (value instanceof Error) throw value;
      return value;
    },
    onChange: (change) => {
      changes.push(change);
    },
  });
  await assert.rejects(poller.checkNow(), /no route to host/);
  value = "v1";
  await poller.checkNow();
  assert.deepEqual(changes, []);
  assert.equal((await store.getWatch("test:five"))?.value, "v1");
  value = "v2";
  await poller.checkNow();
  assert.deepEqual(changes, [{ previous: "v1", current: "v2" }]);
});
