import assert from "node:assert/strict";
import { hostname } from "node:os";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { deployService, type DeployResult, type ServiceSpec } from "../../../src/deploy/index.js";
import type { SlipwayError } from "../../../src/errors/index.js";
import { driverReport, runDriver, serviceContainers, webCommand } from "../../harness/deploy.js";
import { get } from "../proxy/helpers.js";
import {
  assertNoFailedRequests,
  assertOnlyAnswers,
  deployV1,
  newWebService,
  slipwayFailure,
  underLoad,
  useDeployFixture,
  type DeployFixture,
} from "./fixture.js";

const fixture = useDeployFixture();

test("rolling back to the v1 revision brings v1 back from the local image, without a registry and without a failed request", async () => {
  const f = fixture();
  const web = await newWebService(f, "rollback");
  await deployV1(f, web);
  await deployService(f.world.ports, { spec: web.v2, trigger: "test" });
  assert.equal((await get(web.url)).body, "v2");
  const revision = await f.world.store.getRevision(web.v1.service, web.v1.environment, 1);
  assert.ok(revision !== undefined);

  // The images are named after 127.0.0.1:1, where no registry listens: a pull would fail.
  const { result, samples, doneAt } = await underLoad(web.url, () =>
    deployService(f.world.ports, { spec: revision.spec as unknown as ServiceSpec, trigger: "rollback", revision }),
  );

  assert.equal(result.status, "succeeded");
  assert.equal(result.revision, 1);
  assertNoFailedRequests(samples);
  assertOnlyAnswers(samples, doneAt, "v1");
  assert.deepEqual(
    (await serviceContainers(f.engine, web.v1)).map((c) => [c.revision, c.state]),
    [[1, "running"]],
  );
  assert.equal((await f.world.store.listRevisions(web.v1.service, web.v1.environment)).length, 2, "a rollback makes no new revision");
  const [last] = await f.world.store.listDeployments({ service: web.v1.service, limit: 1 });
  assert.deepEqual([last?.trigger, last?.fromRevision, last?.toRevision, last?.status], ["rollback", 2, 1, "succeeded"]);
  assert.ok(!f.world.lines.some((line) => line.startsWith("pulling")), "the rollback pulled an image");
});

/** v2 that takes 2 s to answer (within its start period), so a deployment of it is still running when the other one asks for the lock. */
function slowV2(v2: ServiceSpec): ServiceSpec {
  const [shell, flag, script] = webCommand(8080);
  return { ...v2, command: [shell ?? "sh", flag ?? "-c", `sleep 2; ${script ?? ""}`], health: { ...v2.health, startPeriodMs: 5_000 } };
}

/** Resolves once a deployment of the service by `holder` is running (it holds the lock then). */
async function runningDeploymentBy(f: DeployFixture, service: string, holder: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const running = await f.world.store.listDeployments({ service, status: "running" });
    if (running.some((d) => d.holder === holder())) return;
    await sleep(50);
  }
  assert.fail(`no deployment of ${service} by ${holder()} started within ${timeoutMs} ms`);
}

test("a deployment while another process deploys the service is refused with DEPLOY_LOCKED naming that process", async () => {
  const f = fixture();
  const web = await newWebService(f, "lock");
  await deployV1(f, web);
  const v2 = slowV2(web.v2);
  let driverPid = 0;
  const driving = runDriver({ stateDir: f.world.stateDir, adminUrl: f.world.handle.adminUrl, spec: v2 }, { onSpawn: (pid) => (driverPid = pid) });
  const holder = () => `${hostname()}:${driverPid}`;
  await runningDeploymentBy(f, web.v2.service, holder);

  const refused = await slipwayFailure(deployService(f.world.ports, { spec: v2, trigger: "test" }));

  assert.equal(refused.code, "DEPLOY_LOCKED", refused.message);
  assert.match(refused.message, new RegExp(`is being deployed by another Slipway process \\(${holder()}\\)`));
  assert.match(refused.hint ?? "", /--wait/);
  assert.deepEqual(driverReport(await driving), { ok: true, status: "succeeded", revision: 2 });
  assert.equal((await get(web.url)).body, "v2");
  assert.deepEqual(
    (await serviceContainers(f.engine, web.v2)).map((c) => [c.revision, c.state]),
    [[2, "running"]],
  );
  assert.equal((await f.world.store.listDeployments({ service: web.v2.service })).length, 2, "the refused deployment must leave no record");
});

test("a deployment that waits for the lock runs after the other process's and finds nothing to change", async () => {
  const f = fixture();
  const web = await newWebService(f, "lock-wait");
  await deployV1(f, web);
  const v2 = slowV2(web.v2);
  let driverPid = 0;
  const driving = runDriver({ stateDir: f.world.stateDir, adminUrl: f.world.handle.adminUrl, spec: v2 }, { onSpawn: (pid) => (driverPid = pid) });
  await runningDeploymentBy(f, web.v2.service, () => `${hostname()}:${driverPid}`);

  const waited = await deployService(f.world.ports, { spec: v2, trigger: "test", waitMs: 30_000 });

  assert.deepEqual(waited, { status: "unchanged", revision: 2 });
  assert.deepEqual(driverReport(await driving), { ok: true, status: "succeeded", revision: 2 });
  assert.equal((await get(web.url)).body, "v2");
});

async function inProcess(f: DeployFixture, spec: ServiceSpec): Promise<{ ok: true; result: DeployResult } | { ok: false; error: SlipwayError }> {
  try {
    return { ok: true, result: await deployService(f.world.ports, { spec, trigger: "test" }) };
  } catch (error) {
    return { ok: false, error: await slipwayFailure(Promise.reject(error)) };
  }
}

test("two deployments of one service in the same process at once: the second is refused, not run beside the first", async () => {
  const f = fixture();
  const web = await newWebService(f, "lock-same");
  await deployV1(f, web);
  const v2 = slowV2(web.v2);

  const [first, second] = await Promise.all([inProcess(f, v2), inProcess(f, { ...v2, env: { ...v2.env, OTHER: "1" } })]);

  assert.deepEqual([first.ok, second.ok], [true, false], JSON.stringify({ first, second }));
  assert.ok(!second.ok && second.error.code === "DEPLOY_LOCKED", JSON.stringify(second));
  assert.ok(second.error.message.includes(`by another deployment in this Slipway process (${hostname()}:${process.pid})`), second.error.message);
  assert.equal((await get(web.url)).body, "v2");
  assert.deepEqual(
    (await serviceContainers(f.engine, web.v2)).map((c) => [c.revision, c.state]),
    [[2, "running"]],
  );
});
