import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore, openStore } from "../../../src/store/index.js";
import { migrations } from "../../../src/store/migrations.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { Secret } from "../../../src/util/secret.js";

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-store-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("a new store file is created under the state directory with every migration applied", async (t) => {
  const dir = tempDir(t);
  const store = openStore({ stateDir: join(dir, "state") });
  assert.equal(await store.schemaVersion(), migrations.at(-1)?.version);
  assert.equal(store.location, join(dir, "state", "slipway.db"));
  await store.close();
});

test("audit entries survive reopening and list newest first, filtered by subject", async (t) => {
  const file = join(tempDir(t), "slipway.db");
  const first = openSqliteStore(file);
  await first.appendAudit({ actor: "ana", action: "image.push", subject: "app1-prod", detail: { tag: "20180923T082316Z" } });
  await first.appendAudit({ actor: "ana", action: "deploy.start", subject: "api", detail: {} });
  await first.close();

  const again = openSqliteStore(file);
  const all = await again.listAudit();
  assert.deepEqual(
    all.map((e) => e.action),
    ["deploy.start", "image.push"],
  );
  const forImage = await again.listAudit({ subject: "app1-prod" });
  assert.equal(forImage.length, 1);
  assert.deepEqual(forImage[0]?.detail, { tag: "20180923T082316Z" });
  await again.close();
});

test("a secret in an audit detail is stored redacted, never in clear", async (t) => {
  const file = join(tempDir(t), "slipway.db");
  const store = openSqliteStore(file);
  await store.appendAudit({ actor: "ana", action: "registry.login", subject: "reg", detail: { password: new Secret("hunter2-very-secret") } });
  await store.close();
  const raw = new Database(file, { readonly: true });
  const rows = raw.prepare("SELECT detail FROM audit").all() as { detail: string }[];
  raw.close();
  assert.equal(rows.length, 1);
  assert.ok(!rows[0]?.detail.includes("hunter2"), "the password is in the store in clear");
  assert.match(rows[0]?.detail ?? "", /\[redacted\]/);
});

test("a lock is held by one holder at a time, renewable, and free again after its lease", async (t) => {
  const dir = tempDir(t);
  const a = openSqliteStore(join(dir, "slipway.db"));
  const b = openSqliteStore(join(dir, "slipway.db")); // a second process's connection
  const now = new Date("2026-01-01T00:00:00Z");
  assert.equal((await a.acquireLock("deploy/api/prod", "proc-a", 30_000, now)).acquired, true);
  const refused = await b.acquireLock("deploy/api/prod", "proc-b", 30_000, now);
  assert.equal(refused.acquired, false);
  assert.equal(refused.lease.holder, "proc-a");
  assert.equal((await a.acquireLock("deploy/api/prod", "proc-a", 30_000, new Date(now.getTime() + 10_000))).acquired, true);
  const later = new Date(now.getTime() + 41_000);
  assert.equal((await b.acquireLock("deploy/api/prod", "proc-b", 30_000, later)).acquired, true);
  assert.equal(await a.releaseLock("deploy/api/prod", "proc-a"), false, "a lost lease must not release the new holder's lock");
  assert.equal(await b.releaseLock("deploy/api/prod", "proc-b"), true);
  await a.close();
  await b.close();
});

test("a store written by a newer Slipway is refused with a clear message", async (t) => {
  const file = join(tempDir(t), "slipway.db");
  openSqliteStore(file).close();
  const raw = new Database(file);
  raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
  raw.close();
  assert.throws(
    () => openSqliteStore(file),
    (e: unknown) => isSlipwayError(e, "STORE_FAILED") && /newer than this Slipway/.test(e.message),
  );
});

test("an unwritable state directory is a STORE_FAILED error naming the file", async (t) => {
  if (process.getuid?.() === 0) {
    // root writes anywhere; a path under a regular file fails for everyone.
    const dir = tempDir(t);
    const blocker = join(dir, "file");
    openSqliteStore(blocker).close();
    assert.throws(
      () => openStore({ stateDir: join(blocker, "sub") }),
      (e: unknown) => isSlipwayError(e, "STORE_FAILED") && e.message.includes(join(blocker, "sub")),
    );
    return;
  }
  const dir = tempDir(t);
  chmodSync(dir, 0o500);
  assert.throws(
    () => openStore({ stateDir: join(dir, "state") }),
    (e: unknown) => isSlipwayError(e, "STORE_FAILED"),
  );
});

test("an unknown store URL is refused with an example of a good one", () => {
  assert.throws(
    () => openStore({ stateDir: "/tmp", url: "mysql://x" }),
    (e: unknown) => isSlipwayError(e, "STORE_FAILED") && /sqlite:PATH/.test(e.message),
  );
});

test("a build is recorded before it starts and its outcome kept, newest first, with secrets scrubbed from its log", async (t) => {
  const file = join(tempDir(t), "slipway.db");
  const store = openSqliteStore(file);
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

  const again = openSqliteStore(file);
  const builds = await again.listBuilds({ image: "app1-prod" });
  assert.deepEqual(
    builds.map((b) => b.status),
    ["succeeded", "failed"],
  );
  assert.ok(!builds[1]?.log.includes("tok-1234567890"));
  assert.equal((await again.listBuilds({ status: "succeeded" }))[0]?.tag, "20260101T000000Z");
  await again.close();
});
