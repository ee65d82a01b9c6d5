import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRegistryPool } from "../../../src/builder/registry-reader.js";
import type { Engine } from "../../../src/engine/index.js";
import { tagPoller, tagWatchKey, type PollerLog, type WatchChange } from "../../../src/pollers/index.js";
import { openSqliteStore, type Store } from "../../../src/store/index.js";
import { ensureBaseImage } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels, testName } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { waitUntil } from "./wait-until.js";

let engine: Engine;
let registry: TestRegistry;
let stateDir: string;
let store: Store;
const quiet: PollerLog = { info() {}, warn() {} };

before(async () => {
  engine = await ensureEngine();
  registry = await startRegistry();
  stateDir = mkdtempSync(join(tmpdir(), "slipway-tag-poller-"));
  store = openSqliteStore(join(stateDir, "slipway.db"));
});
after(async () => {
  await store?.close();
  await cleanupTestRun(engine);
  await registry?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Builds a new image (a unique layer) and pushes it as repository:tag; returns the pushed digest. */
async function pushNewImage(repository: string, tag: string): Promise<string> {
  const base = await ensureBaseImage(engine);
  const dir = mkdtempSync(join(tmpdir(), "slipway-tag-poller-image-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), `FROM ${base}\nCOPY unique.txt /unique.txt\n`);
    writeFileSync(join(dir, "unique.txt"), randomBytes(256).toString("hex"));
    const built = await engine.build({ contextDir: dir, tags: [`${repository}:build-${randomBytes(3).toString("hex")}`], labels: testLabels() });
    const ref = `${repository}:${tag}`;
    await engine.tagImage(built.imageId, ref);
    return (await engine.push(ref)).digest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a new image pushed under the watched tag fires onChange with the old and new digest, once", async (t) => {
  const repository = `${registry.host}/${testName("watched")}`;
  const first = await pushNewImage(repository, "qa");
  const changes: WatchChange[] = [];
  const options = {
    repository,
    tag: "qa",
    registries: createRegistryPool(),
    intervalMs: 100,
    store,
    log: quiet,
    onChange: (change: WatchChange) => void changes.push(change),
  };
  const poller = tagPoller(options);
  poller.start();
  t.after(() => poller.stop());
  await waitUntil(() => changes.length === 1, "the first sight of the tag");
  assert.deepEqual(changes, [{ current: first }]);

  const second = await pushNewImage(repository, "qa");
  assert.notEqual(second, first);
  await waitUntil(() => changes.length === 2, "the new digest", 15_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(changes, [{ current: first }, { previous: first, current: second }]);
  assert.equal((await store.getWatch(tagWatchKey(repository, "qa")))?.value, second);

  await poller.stop();
  const restarted = tagPoller(options);
  restarted.start();
  t.after(() => restarted.stop());
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(changes.length, 2, "a restart does not re-fire");
});

test("a tag that is not in the registry is a logged failure, not a change", async (t) => {
  const repository = `${registry.host}/${testName("missing")}`;
  const warnings: string[] = [];
  const changes: WatchChange[] = [];
  const poller = tagPoller({
    repository,
    tag: "qa",
    registries: createRegistryPool(),
    intervalMs: 50,
    jitter: 0,
    store,
    log: { info() {}, warn: (_fields, message) => void warnings.push(message) },
    onChange: (change) => void changes.push(change),
  });
  poller.start();
  t.after(() => poller.stop());
  await waitUntil(() => warnings.length >= 1, "a failed check");
  assert.deepEqual(changes, []);
  assert.match(warnings[0] ?? "", /has no tag qa of .* \(yet\); next check in 0\.1 s$/);
});
