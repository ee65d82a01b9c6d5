import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { AUTO_UPDATE_LABEL, SCOPE_LABEL } from "../../../src/autoupdate/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { openStore, type Store } from "../../../src/store/index.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testName, testRunId } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { startFromConfig, waitUntil, type LogLine, type StartedController } from "../controller/controller-world.js";
import { buildVersion, docker, inspect, labelFlags } from "./helpers.js";

/**
 * Two `slipway serve` on one engine, each with its own controller.scope: each checks and
 * updates only the labelled containers of its scope, never the other's nor an unscoped one,
 * and keeps doing so after its own updates moved the local tag under the containers it left
 * alone (a monitored one, a refused one).
 */
let engine: Engine;
let registry: TestRegistry;
let work: string;
const stores: Store[] = [];
const controllers: StartedController[] = [];
const volumes: string[] = [];

before(async () => {
  engine = await ensureEngine();
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), "slipway-scope-"));
});

after(async () => {
  for (const started of controllers) await started.controller.stop();
  for (const store of stores) await store.close();
  await cleanupTestRun(engine);
  for (const volume of volumes) await engine.removeVolume(volume).catch(() => false);
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function startScoped(scope: string): Promise<StartedController> {
  const dir = join(work, scope);
  mkdirSync(join(dir, "state"), { recursive: true });
  const store = openStore({ stateDir: join(dir, "state") });
  stores.push(store);
  const started = await startFromConfig({
    dir,
    yaml: ["controller:", `  scope: ${scope}`, "  watch_interval: 1s", "  poll_jitter: 0"],
    stateDir: join(dir, "state"),
    store,
    engine,
  });
  controllers.push(started);
  return started;
}

async function run(name: string, ref: string, labels: Record<string, string>, extra: readonly string[] = []): Promise<void> {
  const flags = Object.entries(labels).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
  await docker("run", "-d", "--name", name, ...labelFlags(), ...flags, ...extra, "--", ref);
}

/** The containers a controller checked, by name, with the status of each check in order. */
function checked(lines: readonly LogLine[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const line of lines) {
    if (line.msg !== "auto-update checked" || typeof line.container !== "string") continue;
    found.set(line.container, [...(found.get(line.container) ?? []), String(line.status)]);
  }
  return found;
}

test("two controllers with their own scope on one engine each update only their own containers, pass after pass", async () => {
  const [scopeA, scopeB] = [`shop-${testRunId}`, `blog-${testRunId}`];
  const ref = `${registry.host}/${testName("scoped")}:qa`;
  const v1 = await buildVersion(engine, ref, "v1");
  await engine.push(ref);
  const [a, aMonitored, b, bRefused, unscoped, shared] = ["shop", "shop-monitor", "blog", "blog-refused", "unscoped", "shared"].map(testName) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  await run(a, ref, { [AUTO_UPDATE_LABEL]: "true", [SCOPE_LABEL]: scopeA });
  await run(aMonitored, ref, { [AUTO_UPDATE_LABEL]: "monitor", [SCOPE_LABEL]: scopeA });
  await run(b, ref, { [AUTO_UPDATE_LABEL]: "true", [SCOPE_LABEL]: scopeB });
  await run(shared, ref, {}, ["-v", "/shared"]);
  volumes.push(...(await inspect(shared)).Mounts.map((m) => m.Name ?? ""));
  await run(bRefused, ref, { [AUTO_UPDATE_LABEL]: "true", [SCOPE_LABEL]: scopeB }, ["--volumes-from", shared]);
  await run(unscoped, ref, { [AUTO_UPDATE_LABEL]: "true" });

  const shop = await startScoped(scopeA);
  const blog = await startScoped(scopeB);
  const statuses = (started: StartedController, name: string): string[] => checked(started.log.lines).get(name) ?? [];
  await waitUntil(() => statuses(shop, a).includes("current") && statuses(blog, b).includes("current"), 30_000, "both controllers' first pass");

  const seen = (started: StartedController, name: string, status: string): number => statuses(started, name).filter((s) => s === status).length;
  for (const [round, version] of ["v2", "v3"].entries()) {
    const image = await buildVersion(engine, ref, version); // built here: the local tag moves under every container
    await engine.push(ref);
    const updated = (started: StartedController, other: StartedController, name: string): Promise<boolean> =>
      waitUntil(
        async () => {
          assert.deepEqual(statuses(other, name), [], `${name} was checked by the other controller`);
          return seen(started, name, "updated") === round + 1 && (await inspect(name)).Image === image;
        },
        60_000,
        `${name} on ${version}`,
      );
    await Promise.all([updated(shop, blog, a), updated(blog, shop, b)]);
    const [monitoredBefore, refusedBefore] = [seen(shop, aMonitored, "available"), seen(blog, bRefused, "refused")];
    await waitUntil(
      () => seen(shop, aMonitored, "available") > monitoredBefore && seen(blog, bRefused, "refused") > refusedBefore,
      30_000,
      `the monitored and the refused container checked again on ${version}`,
    );
  }

  assert.deepEqual([...checked(shop.log.lines).keys()].sort(), [a, aMonitored].sort(), "the shop controller checked only its own containers");
  assert.deepEqual([...checked(blog.log.lines).keys()].sort(), [b, bRefused].sort(), "the blog controller checked only its own containers");
  for (const started of [shop, blog]) {
    const failed = started.log.lines.filter((line) => line.msg === "auto-update check failed");
    assert.deepEqual(failed, [], "no check failed");
    const updates = started.log.lines.filter((line) => line.msg === "auto-update checked" && line.status === "updated");
    assert.equal(updates.length, 2, `one update per version: ${JSON.stringify(updates)}`);
  }
  assert.equal((await inspect(aMonitored)).Image, v1, "the monitored container runs as before");
  assert.equal((await inspect(bRefused)).Image, v1, "the refused container runs as before");
});
