import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../../../src/store/index.js";

function tempFile(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-deploy-store-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "slipway.db");
}

test("revisions are numbered per service and environment and keep their spec", async (t) => {
  const store = openSqliteStore(tempFile(t));
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

test("a deployment's steps are recorded in order, and survive the process that wrote them", async (t) => {
  const file = tempFile(t);
  const store = openSqliteStore(file);
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

  const again = openSqliteStore(file);
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
  const done = await again.finishDeployment(deployment.id, { status: "rolled-back", error: "not healthy by its deadline", log: "v2: listening\nv2: crash" });
  assert.equal(done.status, "rolled-back");
  assert.ok(done.finishedAt instanceof Date);
  assert.match(done.log, /v2: crash/);
  assert.deepEqual(
    (await again.listDeployments({ service: "web", environment: "prod" })).map((d) => d.status),
    ["rolled-back"],
  );
  await again.close();
});
