import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { migrations } from "../../../src/store/migrations.js";
import { Secret } from "../../../src/util/secret.js";
import { backends } from "./backends.js";

for (const backend of backends)
  describe(`store on ${backend.kind}: schema, audit, locks, builds`, () => {
    test("a new store has every migration applied", async () => {
      const store = (await backend.fresh()).open();
      assert.equal(await store.schemaVersion(), migrations.at(-1)?.version);
      assert.equal(store.kind, backend.kind);
      await store.close();
    });

    test("audit entries survive reopening and list newest first, filtered by subject", async () => {
      const place = await backend.fresh();
      const first = place.open();
      await first.appendAudit({ actor: "ana", action: "image.push", subject: "app1-prod", detail: { tag: "20180923T082316Z" } });
      await first.appendAudit({ actor: "ana", action: "deploy.start", subject: "api", detail: {} });
      await first.close();

      const again = place.open();
      const all = await again.listAudit();
      assert.deepEqual(
        all.map((e) => e.action),
        ["deploy.start", "image.push"],
      );
      const forImage = await again.listAudit({ subject: "app1-prod" });
      assert.equal(forImage.length, 1);
      assert.deepEqual(forImage[0]?.detail, { tag: "20180923T082316Z" });
      assert.ok(forImage[0]?.at instanceof Date);
      await again.close();
    });

    test("a secret in an audit detail is stored redacted, never in clear", async () => {
      const place = await backend.fresh();
      const store = place.open();
      await store.appendAudit({ actor: "ana", action: "registry.login", subject: "reg", detail: { password: new Secret("hunter2-very-secret") } });
      await store.close();
      const rows = await place.rows("SELECT detail FROM audit");
      assert.equal(rows.length, 1);
      const detail = typeof rows[0]?.["detail"] === "string" ? rows[0]["detail"] : JSON.stringify(rows[0]?.["detail"]);
      assert.ok(!detail.includes("hunter2"), "the password is in the store in clear");
      assert.match(detail, /\[redacted\]/);
    });

    test("a lock is held by one holder at a time, renewable, and free again after its lease", async () => {
      const place = await backend.fresh();
      const a = place.open();
      const b = place.open(); // a second process's connection
      const now = new Date("2026-01-01T00:00:00Z");
      assert.equal((await a.acquireLock("deploy/api/prod", "proc-a", 30_000, now)).acquired, true);
      const refused = await b.acquireLock("deploy/api/prod", "proc-b", 30_000, now);
      assert.equal(refused.acquired, false);
      assert.equal(refused.lease.holder, "proc-a");
      assert.deepEqual(refused.lease.expiresAt, new Date(now.getTime() + 30_000));
      assert.equal((await a.acquireLock("deploy/api/prod", "proc-a", 30_000, new Date(now.getTime() + 10_000))).acquired, true);
      const later = new Date(now.getTime() + 41_000);
      assert.equal((await b.acquireLock("deploy/api/prod", "proc-b", 30_000, later)).acquired, true);
      assert.equal(await a.releaseLock("deploy/api/prod", "proc-a"), false, "a lost lease must not release the new holder's lock");
      assert.equal(await b.releaseLock("deploy/api/prod", "proc-b"), true);
      await a.close();
      await b.close();
    });

    test("of processes racing for a free lock, exactly one gets it", async () => {
      const place = await backend.fresh();
      const stores = [place.open(), place.open(), place.open()];
      const results = await Promise.all(stores.flatMap((store, n) => [1, 2].map((k) => store.acquireLock("leader", `proc-${n}-${k}`, 30_000))));
      assert.equal(results.filter((r) => r.acquired).length, 1);
      assert.equal(new Set(results.map((r) => r.lease.holder)).size, 1, "every loser is told the one winner");
      await Promise.all(stores.map((store) => store.close()));
    });

    test("a build is recorded before it starts and its outcome kept, newest first, with secrets scrubbed from its log", async () => {
      const place = await backend.fresh();
      const store = place.open();
      const token = new Secret("tok-1234567890");
      const first = await store.startBuild({ image: "app1-prod", reasons: [{ kind: "first-build" }], inputs: { sealed: {} } });
      assert.equal(first.status, "running");
      await store.finishBuild(first.id, { status: "failed", error: "step 3 failed", log: `RUN echo ${token.reveal()}\nexit 1` });
      const second = await store.startBuild({ image: "app1-prod", reasons: [], inputs: {}, fingerprint: "f".repeat(64) });
      const done = await store.finishBuild(second.id, {
        status: "succeeded",
        tag: "20260101T000000Z",
        reference: "localhost:5000/x/app1-prod:20260101T000000Z",
        digest: "sha256:abc",
      });
      assert.equal(done.fingerprint, "f".repeat(64));
      assert.ok(done.finishedAt instanceof Date);
      await store.close();

      const again = place.open();
      const builds = await again.listBuilds({ image: "app1-prod" });
      assert.deepEqual(
        builds.map((b) => b.status),
        ["succeeded", "failed"],
      );
      assert.deepEqual(builds[1]?.reasons, [{ kind: "first-build" }]);
      assert.deepEqual(builds[1]?.inputs, { sealed: {} });
      assert.ok(!builds[1]?.log.includes("tok-1234567890"));
      assert.equal((await again.listBuilds({ status: "succeeded" }))[0]?.tag, "20260101T000000Z");
      assert.deepEqual(await again.listBuilds({ image: "other" }), []);
      await again.close();
    });
  });
