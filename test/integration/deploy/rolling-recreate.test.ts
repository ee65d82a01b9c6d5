import assert from "node:assert/strict";
import { test } from "node:test";
import { deployService, type ServiceSpec } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { serviceContainers, webCommand } from "../../harness/deploy.js";
import { testLabels, testName } from "../../harness/labels.js";
import { get } from "../proxy/helpers.js";
import { assertNoFailedRequests, assertOnlyAnswers, deployV1, newWebService, underLoad, useDeployFixture } from "./fixture.js";

const fixture = useDeployFixture();

test("rolling v1 -> v2 with 3 replicas one at a time: no failed request, then only v2's 3 replicas", async () => {
  const { engine, world } = fixture();
  const web = await newWebService(fixture(), "rolling", {
    replicas: 3,
    update: { strategy: "rolling", batch: 1, drainMs: 200, keep: 5, allowSharedVolumes: false },
  });
  await deployV1(fixture(), web);
  assert.equal((await serviceContainers(engine, web.v1)).length, 3);

  const { result, samples, doneAt } = await underLoad(web.url, () => deployService(world.ports, { spec: web.v2, trigger: "test" }));

  assert.equal(result.status, "succeeded");
  assertNoFailedRequests(samples);
  assert.ok(
    samples.some((s) => s.body === "v1"),
    "v1 never answered during the deployment",
  );
  assertOnlyAnswers(samples, doneAt, "v2");
  const containers = await serviceContainers(engine, web.v2);
  assert.deepEqual(
    containers.map((c) => [c.revision, c.state]),
    [
      [2, "running"],
      [2, "running"],
      [2, "running"],
    ],
  );
  assert.equal((await world.store.listRevisions(web.v2.service, web.v2.environment)).length, 2);
  const deployments = await world.store.listDeployments({ service: web.v2.service, status: "succeeded" });
  assert.equal(deployments.length, 2);
  const steps = (await world.store.listSteps(deployments[0]?.id ?? 0)).map((s) => `${s.name}:${s.status}`);
  for (const batch of [1, 2, 3]) {
    for (const name of ["create", "start", "health", "switch", "drain", "stop-old", "remove-old"]) {
      assert.ok(steps.includes(`${name}:${batch}:done`), `step ${name}:${batch} missing from ${steps.join(", ")}`);
    }
  }
  // The next batch starts beside the current one, never two ahead; steps are recorded before they act.
  const at = (name: string): number => steps.indexOf(`${name}:done`);
  assert.ok(at("create:2") < at("switch:1"), `batch 2 was not started beside batch 1: ${steps.join(", ")}`);
  assert.ok(at("create:3") > at("switch:1"), `batch 3 started before batch 1 joined the route: ${steps.join(", ")}`);
});

test("recreate keeps the named volume's data and creates the new container exactly as declared", async () => {
  const { engine, world } = fixture();
  const volume = testName("data");
  await engine.createVolume({ name: volume, labels: testLabels() });
  const web = await newWebService(fixture(), "recreate", {
    command: webCommand(8080, { volume: true }),
    volumes: [{ type: "volume", source: volume, target: "/data", readOnly: false }],
    env: { GREETING: "hello", MODE: "prod" },
    labels: testLabels({ team: "ops" }),
    memoryBytes: 64 * 1024 * 1024,
    restart: { policy: "on-failure", maxRetries: 2 },
    user: "1000:1000",
    update: { strategy: "recreate", batch: 1, drainMs: 0, keep: 5, allowSharedVolumes: false },
  });
  await deployV1(fixture(), web);
  assert.equal((await get(`${web.url}first.txt`)).body, "v1");
  const [v1Container] = await serviceContainers(engine, web.v1);
  assert.ok(v1Container !== undefined);
  const before = await declared(engine, v1Container.id);

  const result = await deployService(world.ports, { spec: web.v2, trigger: "test" });

  assert.equal(result.status, "succeeded");
  assert.equal((await get(web.url)).body, "v2");
  assert.equal((await get(`${web.url}first.txt`)).body, "v1", "the data v1 wrote to the volume is gone");
  const containers = await serviceContainers(engine, web.v2);
  assert.deepEqual(
    containers.map((c) => [c.revision, c.state]),
    [[2, "running"]],
  );
  const afterwards = await declared(engine, containers[0]?.id ?? "");
  assert.deepEqual(afterwards, before);
  assertAsDeclared(afterwards, web.v2);
  const steps = (await world.store.listSteps(result.status === "succeeded" ? result.deployment.id : 0)).map((s) => s.name);
  assert.deepEqual(steps, ["pull", "create", "stop-old", "start", "health", "switch", "remove-old"]);
});

interface Declared {
  readonly env: string[];
  readonly labels: Record<string, string>;
  readonly memory: number;
  readonly restart: { name: string; retries: number };
  readonly user: string;
  readonly mounts: string[];
}

/** What the spec declares, read from the engine's inspect of a container (Slipway's own labels left out). */
async function declared(engine: Engine, id: string): Promise<Declared> {
  const details = await engine.inspectContainer(id);
  assert.ok(details, `container ${id} is gone`);
  const { Config: config, HostConfig: host, Mounts: mounts } = details.raw;
  return {
    env: (config.Env ?? []).filter((e) => !e.startsWith("HTTP_BODY=")).sort(),
    labels: Object.fromEntries(Object.entries(config.Labels ?? {}).filter(([k]) => !k.startsWith("dev.slipway."))),
    memory: host.Memory ?? 0,
    restart: { name: host.RestartPolicy?.Name ?? "", retries: host.RestartPolicy?.MaximumRetryCount ?? 0 },
    user: config.User ?? "",
    mounts: mounts.map((m) => `${m.Type}:${m.Name ?? m.Source}:${m.Destination}:${m.RW ? "rw" : "ro"}`),
  };
}

function assertAsDeclared(actual: Declared, spec: ServiceSpec): void {
  for (const [key, value] of Object.entries(spec.env)) assert.ok(actual.env.includes(`${key}=${value}`), `env ${key} missing: ${actual.env.join(" ")}`);
  // The engine adds the image's labels; the spec's are all there, as declared.
  for (const [key, value] of Object.entries(spec.labels)) assert.equal(actual.labels[key], value, `label ${key}`);
  assert.equal(actual.memory, spec.memoryBytes);
  assert.deepEqual(actual.restart, { name: spec.restart?.policy, retries: spec.restart?.maxRetries });
  assert.equal(actual.user, spec.user);
  const volume = spec.volumes[0];
  assert.ok(volume !== undefined && volume.type === "volume");
  assert.deepEqual(actual.mounts, [`volume:${volume.source}:${volume.target}:rw`]);
}
