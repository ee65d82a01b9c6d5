import assert from "node:assert/strict";
import { test } from "node:test";
import { deployService } from "../../../src/deploy/index.js";
import { serviceContainers } from "../../harness/deploy.js";
import { assertNoFailedRequests, assertOnlyAnswers, deployV1, newWebService, underLoad, useDeployFixture } from "./fixture.js";

const fixture = useDeployFixture();

test("blue-green v1 -> v2 under load: no failed request, then only v2 answers and v1 is gone", async () => {
  const { engine, world } = fixture();
  const web = await newWebService(fixture(), "bg");
  await deployV1(fixture(), web);

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
    [[2, "running"]],
    "only revision 2 should exist",
  );

  const revisions = await world.store.listRevisions(web.v2.service, web.v2.environment);
  assert.deepEqual(
    revisions.map((r) => r.image),
    [web.v2.image, web.v1.image],
  );
  const deployments = await world.store.listDeployments({ service: web.v2.service, environment: web.v2.environment });
  assert.deepEqual(
    deployments.map((d) => [d.status, d.fromRevision, d.toRevision]),
    [
      ["succeeded", 1, 2],
      ["succeeded", undefined, 1],
    ],
  );
  const [second, first] = deployments;
  assert.ok(first !== undefined && second !== undefined);
  const steps = async (id: number) => (await world.store.listSteps(id)).map((s) => `${s.name}:${s.status}`);
  assert.deepEqual(await steps(first.id), ["pull:done", "create:done", "start:done", "health:done", "switch:done"]);
  assert.deepEqual(await steps(second.id), [
    "pull:done",
    "create:done",
    "start:done",
    "health:done",
    "switch:done",
    "settle:done",
    "switch-final:done",
    "drain:done",
    "stop-old:done",
    "remove-old:done",
  ]);
});

test("deploying the same spec and image again changes nothing", async () => {
  const { engine, world } = fixture();
  const web = await newWebService(fixture(), "bg-same");
  await deployV1(fixture(), web);
  const before = await serviceContainers(engine, web.v1);

  const again = await deployService(world.ports, { spec: web.v1, trigger: "test" });

  assert.deepEqual(again, { status: "unchanged", revision: 1 });
  assert.deepEqual(await serviceContainers(engine, web.v1), before);
  assert.equal((await world.store.listDeployments({ service: web.v1.service })).length, 1);
});

test("a service whose name is too long for a proxy route id as it is still gets its own route", async () => {
  const { world } = fixture();
  const web = await newWebService(fixture(), "a-service-name-that-is-rather-long");
  assert.ok(`${web.v1.service}-${web.v1.environment}-12345`.length > 63);
  await deployV1(fixture(), web);

  const routes = await world.proxy.listRoutes();
  const port = Number(new URL(web.url).port);
  const mine = routes.filter((r) => r.listen.port === port);
  assert.equal(mine.length, 1);
  assert.ok((mine[0]?.id.length ?? 0) <= 63);
  assert.ok(mine[0]?.id.startsWith(web.v1.service.slice(0, 40)));
});
