import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../../src/config/index.js";
import { startController, type Controller } from "../../../src/controller/controller.js";
import { deployService, serviceSelector, specFromConfig } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { buildWebImages, ensureListenerMigration, startDeployWorld, webCommand, type DeployWorld } from "../../harness/deploy.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testName } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { assertNoFailedRequests, assertOnlyAnswers, underLoad } from "../deploy/fixture.js";
import { freePort, waitForBody } from "../proxy/helpers.js";
import { watchedServiceYaml } from "./controller-world.js";

/**
 * Auto-update end to end: the distribution registry's own notification of a push to a
 * watched external tag reaches `slipway serve`'s /hooks/registry, which re-reads the digest
 * and redeploys the service by digest with its blue-green strategy, under load, with no
 * failed request; the same digest announced again deploys nothing.
 */
const TOKEN = "registry-notification-token";

let engine: Engine;
let registry: TestRegistry;
let world: DeployWorld;
let images: Record<string, string>;
let configDir: string;
let controller: Controller | undefined;
const service = testName("watched");
const tracked = testName("tracked");

before(async () => {
  engine = await ensureEngine();
  ensureListenerMigration();
  images = await buildWebImages(engine, ["v1", "v2"]);
  world = await startDeployWorld(engine, await freePort());
  process.env.SLIPWAY_PROXY_ADMIN = world.handle.adminUrl;
  configDir = mkdtempSync(join(tmpdir(), "slipway-registry-push-"));
});

after(async () => {
  await controller?.stop();
  for (const name of [service, tracked])
    for (const c of await engine.listContainers({ labels: serviceSelector(name, "default"), all: true })) await engine.removeContainer(c.id, { force: true });
  await world?.stop();
  await cleanupTestRun(engine);
  await registry?.stop();
  delete process.env.SLIPWAY_PROXY_ADMIN;
  if (configDir !== undefined) rmSync(configDir, { recursive: true, force: true });
});

/** `slipway serve` on this test's world, listening on 127.0.0.1:`port` (where the registry sends its notifications). */
function startOn(loaded: Awaited<ReturnType<typeof loadConfig>>, port: number): Promise<Controller> {
  return startController({ loaded, stateDir: world.stateDir, store: world.store, engine, listen: { host: "127.0.0.1", port }, logger: false });
}

test("a registry push of a watched tag updates its service by digest with no failed request, once", async () => {
  const controllerPort = await freePort();
  registry = await startRegistry({ notify: { url: `http://127.0.0.1:${controllerPort}/hooks/registry`, token: TOKEN } });
  const ref = `${registry.host}/${testName("foo")}:qa`;
  await engine.tagImage(images.v1 ?? "", ref);
  await engine.push(ref);
  const published = await freePort();
  writeFileSync(
    join(configDir, "slipway.yml"),
    [...watchedServiceYaml({ service, ref, published, token: TOKEN, command: webCommand(8080), listen: `127.0.0.1:${controllerPort}` }), ""].join("\n"),
  );
  const loaded = await loadConfig({ cwd: configDir, env: {} });
  const url = `http://127.0.0.1:${published}/`;
  const first = await deployService(world.ports, {
    spec: specFromConfig({ config: loaded.config, configDir, service, environment: "default", image: ref }),
    trigger: "test",
  });
  assert.equal(first.status, "succeeded");
  await waitForBody(url, "v1", 5_000);

  controller = await startOn(loaded, controllerPort);
  // This host keeps v1 under the tag: only the registry knows about v2.
  await engine.tagImage(images.v2 ?? "", ref);
  const pushed = await engine.push(ref);
  await engine.tagImage(images.v1 ?? "", ref);

  const { samples, doneAt } = await underLoad(url, async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const [latest] = await world.store.listDeployments({ service, limit: 1 });
      if (latest?.trigger === "auto-update" && latest.status !== "running") return latest;
      await sleep(100);
    }
    throw new Error("no auto-update deployment within 60 s of the push");
  });
  assertNoFailedRequests(samples);
  assertOnlyAnswers(samples, doneAt, "v2");
  const [deployment] = await world.store.listDeployments({ service, limit: 1 });
  assert.equal(deployment?.status, "succeeded");
  assert.equal(deployment?.strategy, "blue-green");
  const [revision] = await world.store.listRevisions(service, "default", { limit: 1 });
  assert.equal(revision?.image, `${ref}@${pushed.digest}`, "deployed by digest");

  // The same digest announced again (a re-push of the tag): checked, nothing deployed.
  await engine.tagImage(images.v2 ?? "", ref);
  await engine.push(ref);
  await sleep(3_000);
  await controller.queue.idle();
  assert.equal((await world.store.listDeployments({ service })).length, 2, "one deployment per digest");
});

test("a registry push of a new version tag updates a service that tracks ^1.2 to it; a push of 2.0.0 does not", async () => {
  assert.ok(controller !== undefined, "the first test started the controller");
  await controller.stop();
  const controllerPort = Number(new URL(controller.url).port);
  const repository = `${registry.host}/${testName("versions")}`;
  await engine.tagImage(images.v1 ?? "", `${repository}:1.2.0`);
  await engine.push(`${repository}:1.2.0`);
  const published = await freePort();
  writeFileSync(
    join(configDir, "slipway.yml"),
    [
      ...watchedServiceYaml({
        service: tracked,
        ref: `${repository}:1.2.0`,
        published,
        token: TOKEN,
        command: webCommand(8080),
        listen: `127.0.0.1:${controllerPort}`,
        track: '"^1.2"',
      }),
      "",
    ].join("\n"),
  );
  const loaded = await loadConfig({ cwd: configDir, env: {} });
  const first = await deployService(world.ports, {
    spec: specFromConfig({ config: loaded.config, configDir, service: tracked, environment: "default", image: `${repository}:1.2.0` }),
    trigger: "test",
  });
  assert.equal(first.status, "succeeded");
  controller = await startOn(loaded, controllerPort);

  await engine.tagImage(images.v1 ?? "", `${repository}:2.0.0`);
  await engine.push(`${repository}:2.0.0`);
  await engine.tagImage(images.v2 ?? "", `${repository}:1.3.0`);
  const pushed = await engine.push(`${repository}:1.3.0`);

  const deadline = Date.now() + 60_000;
  let revision = "";
  while (Date.now() < deadline) {
    const [latest] = await world.store.listDeployments({ service: tracked, limit: 1 });
    if (latest?.trigger === "auto-update" && latest.status !== "running") {
      revision = (await world.store.listRevisions(tracked, "default", { limit: 1 }))[0]?.image ?? "";
      break;
    }
    await sleep(100);
  }
  assert.equal(revision, `${repository}:1.3.0@${pushed.digest}`, "1.3.0 by digest, not 2.0.0");
  await waitForBody(`http://127.0.0.1:${published}/`, "v2", 5_000);
  await controller.queue.idle();
  assert.equal((await world.store.listDeployments({ service: tracked })).length, 2, "one update, to 1.3.0");
});
