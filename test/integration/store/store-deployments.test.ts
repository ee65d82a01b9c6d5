import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { backends } from "./backends.js";

for (const backend of backends)
  describe(`store on ${backend.kind}: revisions and deployments`, () => {
    test("revisions are numbered per service and environment and keep their spec", async () => {
      const store = (await backend.fresh()).open();
      const base = { image: "localhost:5000/web:1", spec: { ports: [{ target: 80 }] }, specHash: "h1" };
      const r1 = await store.saveRevision({ service: "web", environment: "prod", ...base });
      const r2 = await store.saveRevision({ service: "web", environment: "prod", ...base, image: "localhost:5000/web:2", digest: "sha256:" + "a".repeat(64) });
      const other = await store.saveRevision({ service: "web", environment: "test1", ...base });
      assert.deepEqual([r1.revision, r2.revision, other.revision], [1, 2, 1]);
      assert.equal((await store.getRevision("web", "prod", 2))?.digest, "sha256:" + "a".repeat(64));
      assert.deepEqual((await store.getRevision("web", "prod", 1))?.spec, { ports: [{ target: 80 }] });
      assert.deepEqual(
        (await store.listRevisions("web", "prod")).map((r) => r.revision),
        [2, 1],
      );
      await store.close();
    });

    test("a deployment's steps are recorded in order, and survive the process that wrote them", async () => {
      const place = await backend.fresh();
      const store = place.open();
      const deployment = await store.startDeployment({
        service: "web",
        environment: "prod",
        fromRevision: 1,
        toRevision: 2,
        strategy: "blue-green",
        trigger: "cli",
        holder: "h:1",
      });
      const create = await store.startStep(deployment.id, "create", { containers: ["web-prod-r2-1"] });
      await store.finishStep(deployment.id, create.seq, { status: "done" });
      const health = await store.startStep(deployment.id, "wait-healthy");
      assert.deepEqual([create.seq, health.seq], [1, 2]);
      await store.close();

      const again = place.open();
      const steps = await again.listSteps(deployment.id);
      assert.deepEqual(
        steps.map((s) => [s.name, s.status]),
        [
          ["create", "done"],
          ["wait-healthy", "started"],
        ],
      );
      assert.deepEqual(steps[0]?.detail, { containers: ["web-prod-r2-1"] });
      const running = await again.listDeployments({ status: "running" });
      assert.equal(running[0]?.id, deployment.id);
      const taken = await again.takeOverDeployment(deployment.id, "h:2");
      assert.equal(taken.holder, "h:2");
      const done = await again.finishDeployment(deployment.id, {
        status: "rolled-back",
        error: "not healthy by its deadline",
        log: "v2: listening\nv2: crash",
      });
      assert.equal(done.status, "rolled-back");
      assert.ok(done.finishedAt instanceof Date);
      assert.match(done.log, /v2: crash/);
      assert.deepEqual(
        (await again.listDeployments({ service: "web", environment: "prod" })).map((d) => d.status),
        ["rolled-back"],
      );
      await again.close();
    });

    test("revisions saved at the same moment by two processes get distinct numbers, none lost", async () => {
      const place = await backend.fresh();
      const [a, b] = [place.open(), place.open()];
      const base = { service: "web", environment: "prod", spec: {}, specHash: "h" };
      const saved = await Promise.all(Array.from({ length: 20 }, (_, n) => (n % 2 === 0 ? a : b).saveRevision({ ...base, image: `web:${n}` })));
      assert.deepEqual(
        saved.map((r) => r.revision).sort((x, y) => x - y),
        Array.from({ length: 20 }, (_, n) => n + 1),
      );
      assert.equal((await a.listRevisions("web", "prod")).length, 20);
      const deployment = await a.startDeployment({ service: "web", environment: "prod", toRevision: 1, strategy: "recreate", trigger: "cli", holder: "h:1" });
      const steps = await Promise.all(Array.from({ length: 10 }, (_, n) => (n % 2 === 0 ? a : b).startStep(deployment.id, `step-${n}`)));
      assert.deepEqual(
        steps.map((s) => s.seq).sort((x, y) => x - y),
        Array.from({ length: 10 }, (_, n) => n + 1),
      );
      await Promise.all([a.close(), b.close()]);
    });
  });
