import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { deployService, type ServiceSpec } from "../../../src/deploy/index.js";
import type { DeploymentRecord } from "../../../src/store/index.js";
import { serviceContainers, webCommand } from "../../harness/deploy.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import {
  assertNoFailedRequests,
  assertOnlyAnswers,
  deployV1,
  newWebService,
  slipwayFailure,
  underLoad,
  useDeployFixture,
  type DeployFixture,
  type WebService,
} from "./fixture.js";

const fixture = useDeployFixture();
let registry: TestRegistry;

before(async () => {
  registry = await startRegistry();
});
after(async () => {
  await registry.stop();
});

/** A command that says it is starting (so the record keeps a log line), then serves like webCommand. */
function announcing(what: string): string[] {
  const [shell, flag, script] = webCommand(8080);
  return [shell ?? "sh", flag ?? "-c", `echo "${what} starting"; ${script ?? ""}`];
}

/**
 * Deploys v1, then the broken v2 under load; returns the failure, the load and the record.
 * Whatever went wrong, v1 must have answered every request, before and after.
 */
async function failedDeploy(f: DeployFixture, web: WebService, v2: ServiceSpec) {
  await deployV1(f, web);
  const [v1Container] = await serviceContainers(f.engine, web.v1);
  assert.ok(v1Container !== undefined);
  const v1Started = (await f.engine.inspectContainer(v1Container.id))?.state.startedAt;

  const { result: error, samples, doneAt } = await underLoad(web.url, () => slipwayFailure(deployService(f.world.ports, { spec: v2, trigger: "test" })));

  assert.equal(error.code, "DEPLOY_FAILED", error.message);
  assertNoFailedRequests(samples);
  assertOnlyAnswers(samples, doneAt, "v1");
  assertOnlyAnswers(samples, 0, "v1");
  const containers = await serviceContainers(f.engine, web.v1);
  assert.deepEqual(
    containers.map((c) => [c.id, c.state]),
    [[v1Container.id, "running"]],
    "only the v1 container should be left",
  );
  assert.equal((await f.engine.inspectContainer(v1Container.id))?.state.startedAt, v1Started, "the v1 container was restarted");
  const [record] = await f.world.store.listDeployments({ service: web.v1.service, limit: 1 });
  assert.ok(record !== undefined && record.toRevision === 2);
  assert.ok(record.finishedAt !== undefined, "the deployment record is not finished");
  return { error, record };
}

async function stepNames(f: DeployFixture, record: DeploymentRecord): Promise<string[]> {
  return (await f.world.store.listSteps(record.id)).map((s) => `${s.name}:${s.status}`);
}

test("a v2 that never becomes healthy is rolled back at its deadline, its logs kept, v1 serving throughout", async () => {
  const f = fixture();
  const web = await newWebService(f, "unhealthy");
  const v2: ServiceSpec = {
    ...web.v2,
    command: announcing("v2"),
    health: { ...web.v2.health, probe: { kind: "http", path: "/missing" }, retries: 1_000, deadlineMs: 5_000 },
  };
  const startedAt = Date.now();

  const { error, record } = await failedDeploy(f, web, v2);

  assert.match(error.message, /revision 2 was rolled back: \S+-r2-1 not healthy within 5 s; the last probe: /);
  assert.match(error.message, /HTTP 404/, "the message should say what the probe got");
  assert.match(error.message, /\/missing/, "the message should say what was probed");
  assert.ok(Date.now() - startedAt > 5_000, "rolled back before the deadline");
  assert.equal(record.status, "rolled-back");
  assert.match(record.log, /--- \S+-r2-1 ---\nv2 starting/);
  // No switch step: traffic never went to the broken revision.
  assert.deepEqual(await stepNames(f, record), ["pull:done", "create:done", "start:done", "health:failed", "rollback:done"]);
});

test("a v2 that exits at once is rolled back with its output in the record", async () => {
  const f = fixture();
  const web = await newWebService(f, "exits");
  const v2: ServiceSpec = { ...web.v2, command: ["sh", "-c", "echo boom; exit 3"] };

  const { error, record } = await failedDeploy(f, web, v2);

  assert.match(error.message, /rolled back: \S+-r2-1 exited with code 3 after [\d.]+ s$/);
  assert.equal(record.status, "rolled-back");
  assert.match(record.log, /--- \S+-r2-1 ---\nboom/);
  assert.ok(error.details.includes("boom"), `the error's details should show the container's output: ${error.details.join(" | ")}`);
});

test("a v2 image the registry does not have fails the deployment before anything is stopped", async () => {
  const f = fixture();
  const web = await newWebService(f, "no-image");
  const v2: ServiceSpec = { ...web.v2, image: `${registry.host}/slipway-test/missing:v2` };

  const { error, record } = await failedDeploy(f, web, v2);

  assert.match(error.message, /was not deployed: .*slipway-test\/missing:v2/);
  assert.match(error.hint ?? "", /nothing was stopped/);
  assert.equal(record.status, "failed");
  assert.deepEqual(await stepNames(f, record), ["pull:failed"]);
});

test("a v2 the proxy refuses to route (published on the proxy's own admin port) is rolled back, v1 keeps its route", async () => {
  const f = fixture();
  const web = await newWebService(f, "admin-port");
  const adminPort = Number(f.world.adminAddress.split(":")[1]);
  const v2: ServiceSpec = { ...web.v2, ports: [{ target: 8080, published: adminPort, protocol: "tcp", hostIp: "127.0.0.1" }] };

  const { error, record } = await failedDeploy(f, web, v2);

  assert.match(error.message, new RegExp(`rolled back: traffic could not be switched to the new revision: .*port ${adminPort}, the proxy's own admin port`));
  assert.equal(record.status, "rolled-back");
  assert.deepEqual(await stepNames(f, record), ["pull:done", "create:done", "start:done", "health:done", "switch:failed", "rollback:done"]);
});
