import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sourcePoller, sourceWatchKey, type PollerLog, type WatchChange } from "../../../src/pollers/index.js";
import { validateRemote } from "../../../src/sources/index.js";
import { openSqliteStore } from "../../../src/store/index.js";
import { createRepo, tempDir } from "../sources/git-fixture.js";
import { waitUntil } from "./wait-until.js";

const INTERVAL_MS = 100;
const quiet: PollerLog = { info() {}, warn() {} };

test("a commit pushed while the poller runs fires once; a restart neither re-fires nor misses a commit made while down", async (t) => {
  const dir = tempDir(t);
  const repo = createRepo(join(dir, "app"));
  const c1 = repo.commit("First", "2024-01-01T10:00:00Z", { "README.md": "one\n" });
  const store = openSqliteStore(join(dir, "slipway.db"));
  t.after(() => store.close());
  const remote = validateRemote(repo.dir, { baseDir: dir });
  const changes: WatchChange[] = [];
  const startPoller = () => {
    const poller = sourcePoller({
      source: "app",
      remote,
      branch: "main",
      intervalMs: INTERVAL_MS,
      store,
      log: quiet,
      onChange: (change) => void changes.push(change),
    });
    poller.start();
    return poller;
  };

  const first = startPoller();
  await waitUntil(() => changes.length === 1, "the first sight of main");
  assert.deepEqual(changes, [{ current: c1 }]);
  const c2 = repo.commit("Second", "2024-01-02T10:00:00Z", { "README.md": "two\n" });
  await waitUntil(() => changes.length === 2, "the new commit");
  await sleep(INTERVAL_MS * 5);
  assert.deepEqual(changes, [{ current: c1 }, { previous: c1, current: c2 }], "one onChange per commit, however many checks");
  await first.stop();
  assert.equal((await store.getWatch(sourceWatchKey("app", "main")))?.value, c2);

  const second = startPoller();
  await sleep(INTERVAL_MS * 5);
  assert.equal(changes.length, 2, "a restart with the same store does not re-fire");
  await second.stop();

  const c3 = repo.commit("Third, while the controller was down", "2024-01-03T10:00:00Z", { "README.md": "three\n" });
  const third = startPoller();
  t.after(() => third.stop());
  await waitUntil(() => changes.length === 3, "the commit made while down");
  assert.deepEqual(changes[2], { previous: c2, current: c3 });
});

test("a branch that does not exist is a logged failure that backs off, not a change", async (t) => {
  const dir = tempDir(t);
  const repo = createRepo(join(dir, "app"));
  repo.commit("First", "2024-01-01T10:00:00Z", { "README.md": "one\n" });
  const store = openSqliteStore(join(dir, "slipway.db"));
  t.after(() => store.close());
  const warnings: Record<string, unknown>[] = [];
  const changes: WatchChange[] = [];
  const poller = sourcePoller({
    source: "app",
    remote: validateRemote(repo.dir, { baseDir: dir }),
    branch: "relase",
    intervalMs: 50,
    jitter: 0,
    store,
    log: { info() {}, warn: (fields) => void warnings.push(fields) },
    onChange: (change) => void changes.push(change),
  });
  poller.start();
  t.after(() => poller.stop());
  await waitUntil(() => warnings.length >= 2, "two failed checks");
  assert.deepEqual(changes, []);
  assert.match(String(warnings[0]?.error), /the branch "relase" does not exist/);
  assert.deepEqual(
    warnings.slice(0, 2).map((fields) => fields.retryInMs),
    [100, 200],
    "interval × 2, × 4",
  );
});
