import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { LABEL, revisionOf } from "../../../src/deploy/labels.js";
import { swarmServiceSpec } from "../../../src/deploy/swarm-spec.js";
import { updateVerdict, type UpdateVerdict } from "../../../src/deploy/swarm-watch.js";
import type { Engine } from "../../../src/engine/index.js";
import { buildWebImages, webCommand } from "../../harness/deploy.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testName } from "../../harness/labels.js";
import { netnsUnavailable } from "../../harness/netns-engine.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { startTestSwarm, type TestSwarm } from "../../harness/swarm.js";
import { webSpec } from "../../unit/deploy/spec-fixture.js";

// A three-node swarm (three dockerd in their own network namespaces) and the Swarm engine API:
// a revision applied as a service of four replicas spreads over the nodes and settles; a
// revision that never gets healthy is paused by Swarm, and the watch says why.
const unavailable = netnsUnavailable();

describe("a service on a three-node swarm", { skip: unavailable }, () => {
  let local: Engine;
  let registry: TestRegistry;
  let swarm: TestSwarm;
  let image = "";
  const service = testName("sw");

  before(async () => {
    local = await ensureEngine();
    registry = await startRegistry();
    swarm = await startTestSwarm({ registry: registry.host });
    const built = await buildWebImages(local, ["v1"]);
    const pushed = `${registry.host}/swarm/${service}:v1`;
    await local.tagImage(built.v1 ?? "", pushed);
    const { digest } = await local.push(pushed);
    image = `${swarm.hosts.registryHost ?? ""}/swarm/${service}:v1@${digest}`;
  });

  after(async () => {
    await swarm?.stop();
    await registry?.stop();
    if (local !== undefined) await cleanupTestRun(local);
  });

  async function watch(revision: number, replicas: number, deadlineMs: number): Promise<UpdateVerdict> {
    const started = Date.now();
    for (;;) {
      const inspected = await swarm.engine.swarm.inspectService(`${service}-prod`);
      const tasks = await swarm.engine.swarm.listTasks({ service: `${service}-prod` });
      const verdict = updateVerdict(
        {
          ...(inspected?.updateState === undefined ? {} : { updateState: inspected.updateState }),
          ...(inspected?.updateMessage === undefined ? {} : { updateMessage: inspected.updateMessage }),
          tasks: tasks.map((t) => ({
            id: t.id,
            node: t.node,
            state: t.state,
            desired: t.desired,
            ...(t.error === undefined ? {} : { error: t.error }),
            ...(revisionOf(t.labels) === undefined ? {} : { revision: revisionOf(t.labels) ?? 0 }),
          })),
        },
        { revision, replicas },
        Date.now() - started,
        deadlineMs,
      );
      if (verdict.kind !== "progressing") return verdict;
      await sleep(250);
    }
  }

  test("four replicas of a revision spread over the nodes and settle; a revision that exits at once is paused by Swarm and the watch says why", async () => {
    const spec = webSpec({
      service,
      image,
      command: webCommand(8080),
      replicas: 4,
      ports: [],
      health: { probe: { kind: "http", path: "/" }, startPeriodMs: 0, intervalMs: 200, timeoutMs: 1000, retries: 3, deadlineMs: 10_000 },
    });
    const network = testName("swnet");
    await swarm.manager.docker(["network", "create", "--driver", "overlay", "--attachable", network]);
    const id = await swarm.engine.swarm.createService({ ...swarmServiceSpec(spec, { revision: 1, specHash: "h1", deploymentId: 1 }, { network }) });
    assert.ok(id !== "");
    assert.deepEqual(await watch(1, 4, 60_000), { kind: "settled" });
    const tasks = (await swarm.engine.swarm.listTasks({ service: `${service}-prod` })).filter((t) => t.desired === "running");
    assert.equal(tasks.length, 4);
    assert.ok(new Set(tasks.map((t) => t.node)).size >= 2, `the tasks spread over the nodes: ${JSON.stringify(tasks.map((t) => t.node))}`);
    for (const t of tasks) assert.equal(t.labels[LABEL.revision], "1");

    const broken = { ...spec, command: ["sh", "-c", "exit 3"] };
    const current = await swarm.engine.swarm.inspectService(`${service}-prod`);
    assert.ok(current);
    await swarm.engine.swarm.updateService(current.id, current.version, {
      ...swarmServiceSpec(broken, { revision: 2, specHash: "h2", deploymentId: 2 }, { network }),
    });
    const verdict = await watch(2, 4, 60_000);
    assert.equal(verdict.kind, "failed", JSON.stringify(verdict));
    assert.match(verdict.kind === "failed" ? verdict.reason : "", /revision 2 .*(failed|rejected)|paused the update/);
    const running = (await swarm.engine.swarm.listTasks({ service: `${service}-prod` })).filter((t) => t.desired === "running" && t.state === "running");
    assert.ok(
      running.some((t) => t.labels[LABEL.revision] === "1"),
      "start-first with a pause: tasks of the good revision still run",
    );
  });
});
