import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { LABEL, revisionOf } from "../../../src/deploy/labels.js";
import { rolloutOnSwarm, swarmServiceStatus, type SwarmRevision } from "../../../src/deploy/swarm-rollout.js";
import { swarmServiceSpec } from "../../../src/deploy/swarm-spec.js";
import { openSqliteStore } from "../../../src/store/index.js";
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

  test("four replicas of a revision spread over the nodes, settle and reach each other over the overlay; a revision that exits at once is reported failed while the good one keeps running", async () => {
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
    // Over the overlay network, one task reaches every task, on every node (VXLAN between the namespaces).
    const addresses: string[] = [];
    for (const host of swarm.hosts.hosts) {
      const ids = (await host.docker(["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${service}-prod`])).trim().split("\n").filter(Boolean);
      for (const id of ids) addresses.push((await host.docker(["inspect", "-f", `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, id])).trim());
    }
    assert.equal(addresses.length, 4, `every task has an address on ${network}: ${JSON.stringify(addresses)}`);
    const [from] = (await swarm.manager.docker(["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${service}-prod`])).trim().split("\n");
    assert.ok(from !== undefined && from !== "", "a task runs on the manager");
    for (const address of addresses) {
      // busybox's wget crashes in this image; nc speaks the HTTP request itself.
      const answer = await swarm.manager.docker(["exec", from, "sh", "-c", `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${address} 8080 | tail -1`]);
      assert.equal(answer.trim(), "v1", `the task at ${address} answers over the overlay`);
    }

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

  test("Slipway's own last good revision: a revision that never runs is followed to its failure, the last good one applied again as a new update, and a rollback two revisions back", async () => {
    const store = openSqliteStore(":memory:");
    const name = `${service}x`;
    const network = testName("swnet");
    await swarm.manager.docker(["network", "create", "--driver", "overlay", "--attachable", network]);
    const revision = (n: number, env: Record<string, string>, command = webCommand(8080)): SwarmRevision => ({
      revision: n,
      specHash: `h${n}`,
      spec: webSpec({ service: name, image, command, env, replicas: 4, ports: [] }),
    });
    const r1 = revision(1, { HTTP_BODY: "one" });
    const r2 = revision(2, { HTTP_BODY: "two" });
    const r3 = revision(3, { HTTP_BODY: "three" }, ["sh", "-c", "exit 3"]);
    const ports = { swarm: swarm.engine.swarm, store };
    const running = async () =>
      (await swarm.engine.swarm.listTasks({ service: `${name}-prod` }))
        .filter((t) => t.desired === "running" && t.state === "running")
        .map((t) => t.labels[LABEL.revision]);
    try {
      const first = await rolloutOnSwarm(ports, { target: r1, options: { network }, trigger: "test", holder: "test:1" });
      assert.equal(first.status, "succeeded");
      const second = await rolloutOnSwarm(ports, { target: r2, lastGood: r1, options: { network }, trigger: "test", holder: "test:1" });
      assert.equal(second.status, "succeeded");
      assert.deepEqual(await running(), ["2", "2", "2", "2"]);

      const third = await rolloutOnSwarm(ports, { target: r3, lastGood: r2, options: { network }, trigger: "test", holder: "test:1" });
      assert.equal(third.status, "rolled-back", JSON.stringify(third));
      assert.match(third.deployment.error ?? "", /^revision 3 failed: .+; revision 2 serves again$/);
      assert.deepEqual(await running(), ["2", "2", "2", "2"], "every task runs the last good revision");
      const steps = await store.listSteps(third.deployment.id);
      assert.deepEqual(
        steps.map((s) => [s.name, s.status]),
        [
          ["apply", "done"],
          ["watch", "failed"],
          ["restore", "done"],
          ["watch-restore", "done"],
        ],
      );

      const back = await rolloutOnSwarm(ports, { target: r1, lastGood: r2, options: { network }, trigger: "rollback", holder: "test:1" });
      assert.equal(back.status, "succeeded", "a rollback two revisions back applies that revision's own spec");
      assert.deepEqual(await running(), ["1", "1", "1", "1"]);
      assert.deepEqual(
        (await store.listDeployments({ service: name })).map((d) => [d.toRevision, d.status]),
        [
          [1, "succeeded"],
          [3, "rolled-back"],
          [2, "succeeded"],
          [1, "succeeded"],
        ],
      );
    } finally {
      await store.close();
    }
  });

  test("a worker's engine killed: status shows the node down, and its tasks move to the nodes still up", async () => {
    const store = openSqliteStore(":memory:");
    const name = `${service}k`;
    const network = testName("swnet");
    await swarm.manager.docker(["network", "create", "--driver", "overlay", "--attachable", network]);
    const spec = webSpec({ service: name, image, command: webCommand(8080), replicas: 4, ports: [] });
    try {
      const deployed = await rolloutOnSwarm(
        { swarm: swarm.engine.swarm, store },
        { target: { spec, revision: 1, specHash: "h1" }, options: { network }, trigger: "test", holder: "test:1" },
      );
      assert.equal(deployed.status, "succeeded");
      const before = await swarmServiceStatus(swarm.engine.swarm, name, "prod");
      const running = (status: typeof before) => status.flatMap((n) => n.tasks.filter((t) => t.state === "running").map(() => n.node));
      // The worker with the most tasks dies.
      const nodes = await swarm.engine.swarm.listNodes();
      const workerIds = nodes.filter((n) => n.role === "worker").map((n) => n.id);
      const victimId =
        workerIds.sort((a, b) => running(before).filter((n) => n === b).length - running(before).filter((n) => n === a).length)[0] ?? assert.fail("no worker");
      const victimIndex = swarm.workers.findIndex((w) => nodes.find((n) => n.id === victimId)?.address === w.address);
      const victim = swarm.workers[victimIndex] ?? assert.fail(`no test host for node ${victimId}`);
      assert.ok(running(before).includes(victimId), `the victim runs tasks: ${JSON.stringify(before)}`);
      await victim.killEngine();
      try {
        const deadline = Date.now() + 90_000;
        let status = before;
        for (;;) {
          status = await swarmServiceStatus(swarm.engine.swarm, name, "prod");
          const down = status.find((n) => n.node === victimId);
          const elsewhere = running(status).filter((n) => n !== victimId).length;
          if (down?.state === "down" && elsewhere === 4) break;
          assert.ok(Date.now() < deadline, `within 90 s the node is down and 4 tasks run elsewhere: ${JSON.stringify(status)}`);
          await sleep(500);
        }
        assert.equal(status.find((n) => n.node === victimId)?.state, "down");
        assert.ok(status.filter((n) => n.node !== victimId).every((n) => n.state === "ready"));
      } finally {
        await victim.startEngine();
      }
    } finally {
      await store.close();
    }
  });
});
