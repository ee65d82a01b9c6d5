import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore, openStore } from "../../../src/store/index.js";
import { migrations } from "../../../src/store/migrations.js";
import { isSlipwayError } from "../../../src/errors/index.js";

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
