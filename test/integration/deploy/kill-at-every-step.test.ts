import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { currentRevision, deployService } from "../../../src/deploy/index.js";
import { runDriver, serviceContainers } from "../../harness/deploy.js";
import { get, startLoad } from "../proxy/helpers.js";
import { assertNoFailedRequests, deployV1, newWebService, useDeployFixture } from "./fixture.js";

const fixture = useDeployFixture();

/**
 * Every step of a blue-green deployment of one replica with an HTTP probe and a drain, in order
 * (src/deploy/plan-rollout.ts): it serves from `switch` on with v1 as the proxy's fallback, and
 * only `switch-final` makes v2 the only revision.
 */
const STEPS = ["pull", "create", "start", "health", "switch", "settle", "switch-final", "drain", "stop-old", "remove-old"] as const;
const FINAL = "switch-final";

/**
 * Kill -9 of the deploying process before or after each step, with 8 clients on the service
 * throughout; the next deployment converges: one revision's containers, the killed record
 * finished, v2 serving. Until the final switch has reached the proxy the way out is back to v1
 * (rolled back), after it forward to v2 (completed).
 */
for (const step of STEPS) {
  for (const phase of ["before", "after"] as const) {
    const fault = `${phase}:${step}`;
    const forward = STEPS.indexOf(step) > STEPS.indexOf(FINAL) || fault === `after:${FINAL}`;

    test(`killed ${fault}: the service answers throughout and the next deployment ${forward ? "completes" : "rolls back"} the killed one`, async () => {
      const f = fixture();
      const web = await newWebService(f, `kill-${phase}-${step}`);
      await deployV1(f, web);
      const load = startLoad(web.url, { clients: 8, timeoutMs: 1_000 });

      let samples;
      let recovery;
      let run;
      try {
        await sleep(200);
        run = await runDriver({ stateDir: f.world.stateDir, adminUrl: f.world.handle.adminUrl, spec: web.v2 }, { fault });
        recovery = await deployService(f.world.ports, { spec: web.v2, trigger: "test" });
        await sleep(300);
      } finally {
        samples = await load.stop();
      }

      assert.equal(run.signal, "SIGKILL", `the driver was not killed at ${fault}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
      assertNoFailedRequests(samples);
      const killed = (await f.world.store.listDeployments({ service: web.v2.service })).find((d) => d.trigger === "driver");
      assert.ok(killed !== undefined, "the killed run left no deployment record");
      const killedSteps = await f.world.store.listSteps(killed.id);
      assert.deepEqual(
        killedSteps.filter((s) => s.status === "started").map((s) => s.name),
        [step],
        "the killed run stopped elsewhere",
      );
      assert.equal(killed.status, forward ? "succeeded" : "rolled-back", killed.error);
      assert.ok(killed.finishedAt !== undefined);

      if (forward) {
        assert.deepEqual(recovery, { status: "unchanged", revision: 2 });
      } else {
        assert.equal(recovery.status, "succeeded");
        assert.equal(recovery.revision, 3);
      }
      const serving = await currentRevision(f.world.ports, web.v2.service, web.v2.environment);
      assert.equal(serving?.revision, recovery.revision);
      const containers = await serviceContainers(f.engine, web.v2);
      assert.deepEqual(
        containers.map((c) => [c.revision, c.state]),
        [[recovery.revision, "running"]],
        "exactly the serving revision's container should exist",
      );
      assert.equal((await get(web.url)).body, "v2");
      assert.ok(f.world.lines.some((line) => line.startsWith(`resuming interrupted deployment ${killed.id} `)));
    });
  }
}
