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
import { runSlipway } from "../../harness/cli.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels, testName } from "../../harness/labels.js";
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
  images = await buildWebImages(engine, ["v1", "v2", "v3"]);
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

/** `base` with these labels added: an image built FROM it. */
async function labelledImage(base: string, labels: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-labelled-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), `FROM ${base}\n`);
    const ref = `${testName("labelled")}:1`;
    await engine.build({ contextDir: dir, tags: [ref], labels: { ...testLabels(), ...labels } });
    return ref;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("update.track ^1.2 takes the newest 1.x tag (1.3.0), never 2.0.0, by digest; with prereleases a newer release candidate", async () => {
  const repository = `${registry.host}/${testName("tracked")}`;
  const digests: Record<string, string> = {};
  // 1.3.0 describes its release in OCI labels, as a publisher's CI writes them
  const labelled = await labelledImage(images.v2 ?? "", {
    "org.opencontainers.image.version": "1.3.0",
    "org.opencontainers.image.revision": "4f1c2ab",
    "org.opencontainers.image.source": "https://git.example.com/acme/tracked",
  });
  for (const [tag, image] of [
    ["1.2.0", images.v1],
    ["1.3.0", labelled],
    ["2.0.0", images.v3],
    ["1.4.0-rc.1", images.v3],
  ] as const) {
    await engine.tagImage(image ?? "", `${repository}:${tag}`);
    digests[tag] = (await engine.push(`${repository}:${tag}`)).digest;
  }
  const service = testName("track");
  services.push(service);
  const write = (track: string) =>
    writeFileSync(
      join(configDir, "slipway.yml"),
      [
        "services:",
        `  ${service}:`,
        `    image: ${repository}:1.2.0`,
        `    command: ${JSON.stringify(webCommand(8080)).replaceAll("$", "$$$$")}`,
        "    stop_grace_period: 1s",
        "    health: { running: true, settle: 0s }",
        `    update: { auto: true, track: ${track} }`,
        "",
      ].join("\n"),
    );
  write('"^1.2"');
  let { config } = await loadConfig({ cwd: configDir, env: {} });
  const first = await deployService(world.ports, {
    spec: specFromConfig({ config, configDir, service, environment: "default", image: `${repository}:1.2.0` }),
    trigger: "test",
  });
  assert.equal(first.status, "succeeded");
  const ports: ServiceUpdatePorts = { deploy: world.ports, registries: createRegistryPool() };
  const running = async () => (await engine.listContainers({ labels: serviceSelector(service, "default") }))[0]?.imageId;

  const update = await checkServiceUpdate(ports, { config, configDir, service, environment: "default" });
  assert.deepEqual([update.status, update.tag, update.digest], ["updated", "1.3.0", digests["1.3.0"]], JSON.stringify(update));
  const [revision] = await world.store.listRevisions(service, "default", { limit: 1 });
  assert.equal(revision?.image, `${repository}:1.3.0@${digests["1.3.0"]}`);
  assert.equal(await running(), (await engine.inspectImage(labelled))?.id);
  assert.deepEqual(update.release, { version: "1.3.0", revision: "4f1c2ab", source: "https://git.example.com/acme/tracked" }, "the release notes of 1.3.0");
  assert.equal((await checkServiceUpdate(ports, { config, configDir, service, environment: "default" })).status, "current");

  write("{ semver: ^1.2, prereleases: true }");
  ({ config } = await loadConfig({ cwd: configDir, env: {} }));
  const candidate = await checkServiceUpdate(ports, { config, configDir, service, environment: "default" });
  assert.deepEqual([candidate.status, candidate.tag], ["updated", "1.4.0-rc.1"]);
  assert.equal(await running(), (await engine.inspectImage(images.v3 ?? ""))?.id);

  write('"^3"');
  ({ config } = await loadConfig({ cwd: configDir, env: {} }));
  await assert.rejects(
    checkServiceUpdate(ports, { config, configDir, service, environment: "default" }),
    /no tag of \S+ in \S+ fits update\.track \(semver \^3\): 4 tags, none of them fits/,
  );
  assert.equal(await running(), (await engine.inspectImage(images.v3 ?? ""))?.id, "nothing was touched");
});

test("min_age 1m on a nightly tag stream: each new tag waits a minute; with two waiting, the one that soaked is taken, then the next", async () => {
  const repository = `${registry.host}/${testName("nightly")}`;
  const push = async (tag: string, image: string | undefined) => {
    await engine.tagImage(image ?? "", `${repository}:${tag}`);
    return (await engine.push(`${repository}:${tag}`)).digest;
  };
  await push("nightly-20261201", images.v1);
  const service = testName("soak");
  services.push(service);
  writeFileSync(
    join(configDir, "slipway.yml"),
    [
      "services:",
      `  ${service}:`,
      `    image: ${repository}:nightly-20261201`,
      `    command: ${JSON.stringify(webCommand(8080)).replaceAll("$", "$$$$")}`,
      "    stop_grace_period: 1s",
      "    health: { running: true, settle: 0s }",
      "    update: { auto: true, track: { match: '^nightly-(\\d{8})$' }, min_age: 1m }",
      "",
    ].join("\n"),
  );
  const { config } = await loadConfig({ cwd: configDir, env: {} });
  const first = await deployService(world.ports, {
    spec: specFromConfig({ config, configDir, service, environment: "default", image: `${repository}:nightly-20261201` }),
    trigger: "test",
  });
  assert.equal(first.status, "succeeded");
  // Slipway's clock, given: the test moves it instead of waiting minutes
  const start = Date.now();
  let offset = 0;
  const ports: ServiceUpdatePorts = { deploy: world.ports, registries: createRegistryPool(), now: () => new Date(start + offset) };
  const check = () => checkServiceUpdate(ports, { config, configDir, service, environment: "default" });
  const running = async () => (await engine.listContainers({ labels: serviceSelector(service, "default") }))[0]?.imageId;
  const idOf = async (image: string | undefined) => (await engine.inspectImage(image ?? ""))?.id;

  const second = await push("nightly-20261202", images.v2);
  const waiting = await check();
  assert.deepEqual([waiting.status, waiting.tag, waiting.waiting], ["waiting", "nightly-20261202", "min_age 1 min: 1 min left"]);

  offset = 40_000;
  const third = await push("nightly-20261203", images.v3);
  const both = await check();
  assert.deepEqual([both.status, both.tag, both.waiting], ["waiting", "nightly-20261203", "min_age 1 min: 20 s left"], "the older one soaks first");
  assert.equal(await running(), await idOf(images.v1));
  // what slipway status shows a person
  const status = await runSlipway(["status"], { cwd: configDir, env: { SLIPWAY_STATE_DIR: world.stateDir } });
  assert.equal(status.code, 0, status.stderr);
  assert.match(
    status.stdout,
    new RegExp(`auto-update: waiting for nightly-20261203 \\(min_age 1 min: 20 s left\\), checked at ${new Date(start + offset).toISOString()}`),
  );

  offset = 70_000;
  const soaked = await check();
  assert.deepEqual([soaked.status, soaked.tag, soaked.digest], ["updated", "nightly-20261202", second], "the newest that soaked, though a newer one waits");
  assert.equal(await running(), await idOf(images.v2));

  offset = 110_000;
  const next = await check();
  assert.deepEqual([next.status, next.tag, next.digest], ["updated", "nightly-20261203", third]);
  assert.equal(await running(), await idOf(images.v3));
  assert.equal((await check()).status, "current");
});
