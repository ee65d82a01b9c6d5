import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import Database from "better-sqlite3";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";
import { openSqliteStore, SECRET_KEY_FILE, secretKeySource, type Store } from "../../../src/store/index.js";
import { postgres } from "./backends.js";

const PASSWORD = "pw-3f9a1c77e2";
const URL_SECRET = "postgres://app:u7Hq2xZk@db/app";

function stateDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-sealed-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every byte of the database as it is on disk: the file, its WAL and its journal. */
function databaseBytes(file: string): string {
  return ["", "-wal", "-shm", "-journal"]
    .filter((suffix) => existsSync(file + suffix))
    .map((suffix) => readFileSync(file + suffix).toString("latin1"))
    .join("");
}

function spec(password: string): Record<string, unknown> {
  return { service: "web", environment: "prod", image: "web:1", env: { DB_PASSWORD: password, DATABASE_URL: URL_SECRET, MODE: "prod" } };
}

async function saveThree(store: Store): Promise<void> {
  for (const n of [1, 2, 3])
    await store.saveRevision({ service: "web", environment: "prod", image: `web:${n}`, spec: spec(`${PASSWORD}-${n}`), specHash: `h${n}` });
}

test("no variable value of a revision is in the database file or its WAL, and each reads back exactly", async (t) => {
  const dir = stateDir(t);
  const file = join(dir, "slipway.db");
  const store = openSqliteStore(file);
  await saveThree(store);
  // While the store is open, the WAL holds the new pages; grep both.
  const open = databaseBytes(file);
  assert.ok(open.includes("web:3"), "the test reads the database's bytes");
  assert.ok(!open.includes(PASSWORD), "a DB_PASSWORD value is in the database in clear");
  assert.ok(!open.includes("u7Hq2xZk"), "a variable whose name does not look secret is in the database in clear");
  await store.close();
  assert.ok(!databaseBytes(file).includes(PASSWORD));
  assert.equal(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777, 0o600, "the key is kept apart, readable by its owner only");

  const again = openSqliteStore(file);
  t.after(() => again.close());
  assert.deepEqual((await again.getRevision("web", "prod", 1))?.spec, spec(`${PASSWORD}-1`));
  assert.deepEqual(
    (await again.listRevisions("web", "prod")).map((r) => (r.spec["env"] as Record<string, string>)["DB_PASSWORD"]),
    [`${PASSWORD}-3`, `${PASSWORD}-2`, `${PASSWORD}-1`],
  );
});

test("without its key a revision still lists with its image; reading its spec is SECRET_KEY_MISMATCH saying what to do", async (t) => {
  const dir = stateDir(t);
  const file = join(dir, "slipway.db");
  const first = openSqliteStore(file);
  await saveThree(first);
  await first.close();
  rmSync(join(dir, SECRET_KEY_FILE));

  const keyless = openSqliteStore(file, { keys: secretKeySource({ stateDir: dir, env: {} }) });
  t.after(() => keyless.close());
  const revisions = await keyless.listRevisions("web", "prod");
  assert.deepEqual(
    revisions.map((r) => r.image),
    ["web:3", "web:2", "web:1"],
  );
  const missing = caught(() => revisions[2]?.spec);
  assert.equal(missing.code, "SECRET_KEY_MISMATCH");
  assert.match(missing.message, /^revision 1 of web \(prod\) is encrypted, and there is no key to decrypt it/);
  assert.ok(!missing.message.includes(PASSWORD));

  const otherKey = openSqliteStore(file, { keys: secretKeySource({ stateDir: dir, env: { SLIPWAY_SECRET_KEY: "cd".repeat(32) } }) });
  t.after(() => otherKey.close());
  const revision2 = await otherKey.getRevision("web", "prod", 2);
  const wrong = caught(() => revision2?.spec);
  assert.equal(wrong.code, "SECRET_KEY_MISMATCH");
  assert.match(wrong.message, /revision 2 of web \(prod\) was encrypted with another key \(key id [0-9a-f]+\) than the one in use/);
});

test("revisions an older Slipway stored in clear are sealed when the store is opened, leaving no clear copy on disk", async (t) => {
  const dir = stateDir(t);
  const file = join(dir, "slipway.db");
  await openSqliteStore(file).close();
  // What a Slipway before sealing wrote: the spec as JSON.
  const old = new Database(file);
  old
    .prepare("INSERT INTO revisions (service, environment, revision, image, spec, spec_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run("web", "prod", 1, "web:1", JSON.stringify(spec(PASSWORD)), "h1", new Date().toISOString());
  old.close();
  assert.ok(databaseBytes(file).includes(PASSWORD), "the old row is in clear before the upgrade");

  const upgraded = openSqliteStore(file);
  t.after(() => upgraded.close());
  assert.ok(!databaseBytes(file).includes(PASSWORD), "the clear spec is still on disk after the upgrade");
  assert.deepEqual((await upgraded.getRevision("web", "prod", 1))?.spec, spec(PASSWORD));
});

function caught(run: () => unknown): SlipwayError {
  try {
    run();
  } catch (error) {
    if (isSlipwayError(error)) return error;
    throw error;
  }
  return assert.fail("expected a SlipwayError");
}

test("on PostgreSQL, no variable value of a revision is in any row, and each reads back exactly", async () => {
  const place = await postgres.fresh();
  const store = place.open();
  await saveThree(store);
  await store.close();
  const rows = JSON.stringify(await place.rows("SELECT * FROM revisions"));
  assert.ok(rows.includes("web:3"), "the test reads the revisions' rows");
  assert.ok(!rows.includes(PASSWORD), "a DB_PASSWORD value is in the database in clear");
  assert.ok(!rows.includes("u7Hq2xZk"), "a variable whose name does not look secret is in the database in clear");
  const again = place.open();
  assert.deepEqual((await again.getRevision("web", "prod", 2))?.spec, spec(`${PASSWORD}-2`));
  await again.close();
});
