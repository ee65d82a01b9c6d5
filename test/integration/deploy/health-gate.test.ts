import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { deployService, type ServiceSpec } from "../../../src/deploy/index.js";
import { serviceContainers } from "../../harness/deploy.js";
import { assertNoFailedRequests, assertOnlyAnswers, deployV1, newWebService, slipwayFailure, underLoad, useDeployFixture, type WebService } from "./fixture.js";

const fixture = useDeployFixture();

/**
 * Deploys v1, then the broken v2 under load, and returns the DEPLOY_FAILED message. Every
 * request must be answered throughout, by v1 only unless v2 `served` while it settled (an HTTP
 * probe: v1 was the proxy's fallback), and by v1 only once the deploy returned; v1 must be the
 * only container left (nothing restarting behind it) and never have been restarted.
 */
async function failedDeploy(web: WebService, v2: ServiceSpec, served = false): Promise<string> {
  const f = fixture();
  await deployV1(f, web);
  const [v1Container] = await serviceContainers(f.engine, web.v1);
  assert.ok(v1Container !== undefined);

  const { result: error, samples, doneAt } = await underLoad(web.url, () => slipwayFailure(deployService(f.world.ports, { spec: v2, trigger: "test" })));

  assert.equal(error.code, "DEPLOY_FAILED", error.message);
  assertNoFailedRequests(samples);
  if (served)
    assert.ok(
      samples.some((s) => s.body === "v2"),
      "v2 took traffic while it settled",
    );
  else assertOnlyAnswers(samples, 0, "v1");
  assertOnlyAnswers(samples, doneAt, "v1");
  // Long enough for a restart policy to bring back anything that was left behind.
  await sleep(1_500);
  const containers = await serviceContainers(f.engine, web.v1);
  assert.deepEqual(
    containers.map((c) => [c.id, c.state]),
    [[v1Container.id, "running"]],
    "only the v1 container should be left, and no restart loop",
  );
  const v1 = await f.engine.inspectContainer(v1Container.id);
  assert.equal(v1?.raw.RestartCount, 0);
  const [record] = await f.world.store.listDeployments({ service: web.v1.service, limit: 1 });
  assert.equal(record?.status, "rolled-back");
  return error.message;
}

for (const policy of ["always", "on-failure"] as const) {
  test(`a v2 that exits at once with restart policy ${policy} and health running: true fails the deploy; v1 keeps serving`, async () => {
    const web = await newWebService(fixture(), `exits-${policy}`);
    const v2: ServiceSpec = {
      ...web.v2,
      command: ["sh", "-c", "exit 3"],
      restart: { policy },
      health: { ...web.v2.health, probe: { kind: "running" } },
    };

    const message = await failedDeploy(web, v2);

    assert.match(message, /rolled back: \S+-r2-1 (exited with code 3 after [\d.]+ s|restarted \d+ times?)/);
  });
}

test("a v2 whose health endpoint answers 404 fails with a message that says HTTP 404 and what was probed", async () => {
  const web = await newWebService(fixture(), "not-found");
  // The defaults of slipway.yml (2 s interval, 5 s timeout, no retries: the deadline decides).
  const v2: ServiceSpec = {
    ...web.v2,
    health: { probe: { kind: "http", path: "/healthz" }, startPeriodMs: 0, intervalMs: 2_000, timeoutMs: 5_000, retries: 1_000_000, deadlineMs: 5_000 },
  };

  const message = await failedDeploy(web, v2);

  assert.match(message, /not healthy within 5 s; the last probe: HTTP 404 from GET http:\/\/127\.0\.0\.1:\d+\/healthz \(expected 2xx or 3xx\)$/);
  assert.doesNotMatch(message, /no answer/);
});

test("a v2 that answers its probe and then exits is caught while it settles (serving, v1 its fallback): no request fails", async () => {
  const web = await newWebService(fixture(), "answers-then-exits");
  // Serves for a moment (the first probe passes and it takes traffic), then, 1 s after it started
  // and well inside its 2 s settle time even on a loaded host, its server stops listening and the
  // container exits. (Its server is not killed in the middle of a response: one cut off after its
  // headers went out cannot be sent again by any proxy, docs/deployments.md says so.)
  const script = [
    "mkdir -p /www",
    'printf %s "$HTTP_BODY" > /www/index.html',
    "httpd -f -p 8080 -h /www & server=$!",
    "sleep 1",
    "kill $server",
    "sleep 0.5",
    "exit 1",
  ].join("; ");
  const v2: ServiceSpec = {
    ...web.v2,
    command: ["sh", "-c", script],
    restart: { policy: "always" },
    health: { ...web.v2.health, settleMs: 2_000 },
  };

  const message = await failedDeploy(web, v2, true);

  assert.match(message, /rolled back: \S+-r2-1 (exited with code \d+ after [\d.]+ s|restarted)/);
});
