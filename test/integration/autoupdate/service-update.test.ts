import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { checkServiceUpdate, type ServiceUpdatePorts } from "../../../src/autoupdate/index.js";
import { createRegistryPool } from "../../../src/builder/registry-reader.js";
import { loadConfig } from "../../../src/config/index.js";
import { deployService, serviceSelector, specFromConfig } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { buildWebImages, ensureListenerMigration, startDeployWorld, webCommand, type DeployWorld } from "../../harness/deploy.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testName } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { assertNoFailedRequests, assertOnlyAnswers, underLoad } from "../deploy/fixture.js";
import { freePort, waitForBody } from "../proxy/helpers.js";

let engine: Engine;
let registry: TestRegistry;
let world: DeployWorld;
let images: Record<string, string>;
let configDir: string;
/** Services declared in slipway.yml cannot carry the test labels (reserved prefix): removed by their own. */
const services: string[] = [];

before(async () => {
  engine = await ensureEngine();
  ensureListenerMigration();
  registry = await startRegistry();
  images = await buildWebImages(engine, ["v1", "v2"]);
  world = await startDeployWorld(engine, await freePort());
  configDir = mkdtempSync(join(tmpdir(), "slipway-autoupdate-config-"));
});

after(async () => {
  for (const service of services) {
    for (const c of await engine.listContainers({ labels: serviceSelector(service, "default"), all: true }))
      await engine.removeContainer(c.id, { force: true });
  }
  await world.stop();
  await cleanupTestRun(engine);
  await registry.stop();
  rmSync(configDir, { recursive: true, force: true });
});

test("an external tag pushed again is deployed by digest with the service's strategy, with no failed request, once", async () => {
  const ref = `${registry.host}/${testName("foo")}:qa`;
  await engine.tagImage(images.v1 ?? "", ref);
  await engine.push(ref);
  const published = await freePort();
  const service = testName("auto");
  services.push(service);
  const yaml = [
    "services:",
    `  ${service}:`,
    `    image: ${ref}`,
    `    command: ${JSON.stringify(webCommand(8080)).replaceAll("$", "$$$$")}`, // $$: a literal $ for the config's ${VAR} interpolation
    `    ports: ["127.0.0.1:${published}:8080"]`,
    "    stop_grace_period: 2s",
    "    health: { http: /, interval: 200ms, deadline: 10s }",
    "    update: { strategy: blue-green, drain: 300ms, auto: true }",
    "",
  ].join("\n");
  writeFileSync(join(configDir, "slipway.yml"), yaml);
  const { config } = await loadConfig({ cwd: configDir, env: {} });
  const url = `http://127.0.0.1:${published}/`;
  // Deployed by tag, as `slipway deploy` does: the revision knows its digest from the local image.
  const first = await deployService(world.ports, { spec: specFromConfig({ config, configDir, service, environment: "default", image: ref }), trigger: "test" });
  assert.equal(first.status, "succeeded");
  await waitForBody(url, "v1", 5_000);
  const ports: ServiceUpdatePorts = { deploy: world.ports, registries: createRegistryPool() };
  const request = { config, configDir, service, environment: "default" };
  const unchanged = await checkServiceUpdate(ports, request);
  assert.equal(unchanged.status, "current", JSON.stringify(unchanged));

  await engine.tagImage(images.v2 ?? "", ref);
  const pushed = await engine.push(ref);
  await engine.tagImage(images.v1 ?? "", ref); // this host still has v1 under the tag
  const v2Digest = pushed.digest;

  const { result, samples, doneAt } = await underLoad(url, () => checkServiceUpdate(ports, request));

  assert.equal(result.status, "updated", JSON.stringify(result));
  assert.equal(result.digest, v2Digest);
  assert.equal(result.previousDigest, unchanged.digest);
  assertNoFailedRequests(samples);
  assertOnlyAnswers(samples, doneAt, "v2");
  const [revision] = await world.store.listRevisions(service, "default", { limit: 1 });
  assert.equal(revision?.image, `${ref}@${v2Digest}`, "deployed by digest, the tag kept for people");
  const [deployment] = await world.store.listDeployments({ service, limit: 1 });
  assert.equal(deployment?.trigger, "auto-update");
  assert.equal(deployment?.strategy, "blue-green");
  assert.equal(
    (await engine.inspectImage(ref))?.repoDigests.some((d) => d.endsWith(v2Digest)),
    true,
    "the local tag follows the registry",
  );

  const again = await checkServiceUpdate(ports, request);
  assert.equal(again.status, "current");
  assert.equal((await world.store.listDeployments({ service })).length, 2, "one deployment per digest");
});
