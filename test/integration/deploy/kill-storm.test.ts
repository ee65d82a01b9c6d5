import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { deployService, runtimeOf } from "../../../src/deploy/index.js";
import { runDriver, serviceContainers } from "../../harness/deploy.js";
import { get, startLoad } from "../proxy/helpers.js";
import { assertNoFailedRequests, deployV1, newWebService, useDeployFixture } from "./fixture.js";

const fixture = useDeployFixture();

/** Moments to kill at, spread over a deployment's life (start-up included), in a fixed pseudo-random order. */
function killDelays(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return 150 + (state % 2_400);
  });
}

/**
 * A SIGKILL storm: ten deployments, each killed at a random moment by kill -9 while eight
 * clients use the service, each followed by the next deployment of the same version. Over the
 * whole run no request fails, every recovery deployment succeeds, and after each one exactly one
 * revision's containers exist, the route points at them, and they answer.
 */
test("ten kills of a deploying process at random moments under load: 0 failed requests, 10 of 10 recoveries, never two revisions left", async () => {
  const f = fixture();
  const web = await newWebService(f, "storm");
  await deployV1(f, web);
  const runtime = runtimeOf(f.world.ports);
  const load = startLoad(web.url, { clients: 8, timeoutMs: 1_000 });
  const rounds: string[] = [];
  let samples;
  try {
    await sleep(200);
    for (const [round, delay] of killDelays(10, 20261202).entries()) {
      const spec = round % 2 === 0 ? web.v2 : web.v1;
      const version = round % 2 === 0 ? "v2" : "v1";
      let timer: NodeJS.Timeout | undefined;
      const killed = await runDriver(
        { stateDir: f.world.stateDir, adminUrl: f.world.handle.adminUrl, spec },
        { onSpawn: (pid) => (timer = setTimeout(() => process.kill(pid, "SIGKILL"), delay)) },
      );
      clearTimeout(timer);
      const recovery = await deployService(f.world.ports, { spec, trigger: "test" });
      assert.ok(recovery.status === "succeeded" || recovery.status === "unchanged", `round ${round}: ${JSON.stringify(recovery)}`);
      const containers = await serviceContainers(f.engine, spec);
      assert.deepEqual(
        containers.map((c) => [c.revision, c.state]),
        [[recovery.revision, "running"]],
        `round ${round} (killed after ${delay} ms): more than the serving revision is left`,
      );
      const serving = (await runtime.observe(spec.service, spec.environment)).filter((r) => r.running);
      assert.ok(await runtime.routed(spec, serving, () => spec), `round ${round}: the route does not point at the serving revision`);
      assert.equal((await get(web.url)).body, version);
      rounds.push(`${delay} ms: ${killed.signal ?? `exit ${killed.code ?? "?"}`}, recovery ${recovery.status} r${recovery.revision}`);
    }
    await sleep(300);
  } finally {
    samples = await load.stop();
  }
  assertNoFailedRequests(samples);
  assert.ok(rounds.filter((r) => r.includes("SIGKILL")).length >= 5, `most rounds should be killed mid-deployment, not after it ended:\n${rounds.join("\n")}`);
});
