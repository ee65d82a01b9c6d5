import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { isSlipwayError } from "../../../src/errors/index.js";
import { openStore } from "../../../src/store/index.js";
import { migrations } from "../../../src/store/migrations.js";
import { postgres, postgresServer } from "./backends.js";

test("a postgres:// URL opens the store there, migrated on first use, and names it without its password", async () => {
  const place = await postgres.fresh();
  const server = await postgresServer();
  const store = openStore({ stateDir: place.stateDir, url: place.url });
  assert.equal(store.kind, "postgres");
  assert.ok(!store.location.includes(server.password), "the password is in the store's location");
  assert.match(store.location, /^postgres:\/\/slipway:\*\*\*@127\.0\.0\.1:\d+\/t/);
  assert.equal(await store.schemaVersion(), migrations.at(-1)?.version);
  await store.close();
});

test("controllers starting together on a new database migrate it once", async () => {
  const place = await postgres.fresh();
  const stores = [place.open(), place.open(), place.open()];
  const versions = await Promise.all(stores.map((store) => store.schemaVersion()));
  assert.deepEqual(
    versions,
    stores.map(() => migrations.at(-1)?.version),
  );
  const applied = await place.rows("SELECT version FROM schema_migrations ORDER BY version");
  assert.deepEqual(
    applied.map((row) => row["version"]),
    migrations.map((m) => m.version),
  );
  await Promise.all(stores.map((store) => store.close()));
});

test("a database nobody answers for, a wrong password or a missing database is STORE_UNREACHABLE, its password hidden", async () => {
  const server = await postgresServer();
  const place = await postgres.fresh();
  const wrongPassword = place.url.replace(server.password, "not-the-password-4711");
  const cases = [
    { url: "postgres://slipway:s3cr3t-pw@127.0.0.1:1/x", secret: "s3cr3t-pw", says: /ECONNREFUSED/ },
    { url: wrongPassword, secret: "not-the-password-4711", says: /password authentication failed/ },
    { url: server.url("no_such_database"), secret: server.password, says: /database "no_such_database" does not exist/ },
  ];
  for (const { url, secret, says } of cases) {
    const store = openStore({ stateDir: place.stateDir, url });
    await assert.rejects(store.listAudit(), (error: unknown) => {
      assert.ok(isSlipwayError(error, "STORE_UNREACHABLE"), `expected STORE_UNREACHABLE, got ${String(error)}`);
      assert.match(error.message, says);
      assert.ok(!error.message.includes(secret) && !(error.hint ?? "").includes(secret), `the password is in: ${error.message}`);
      assert.ok(error.message.includes("***@127.0.0.1"), error.message);
      return true;
    });
    await store.close();
  }
});

test("a database migrated by a newer Slipway is refused with a clear message, and left as it is", async () => {
  const place = await postgres.fresh();
  await place.open().close();
  const store = place.open();
  await store.schemaVersion();
  await store.close();
  const client = new pg.Client({ connectionString: place.url });
  await client.connect();
  await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')");
  await client.end();
  const newer = place.open();
  await assert.rejects(
    newer.listAudit(),
    (error: unknown) => isSlipwayError(error, "STORE_FAILED") && /schema version 999, newer than this Slipway/.test(error.message),
  );
  await newer.close();
  assert.equal((await place.rows("SELECT MAX(version) AS v FROM schema_migrations"))[0]?.["v"], 999);
});

test("a postgres:// URL that is not a URL is STORE_FAILED saying how to write one, without echoing it", () => {
  assert.throws(
    () => openStore({ stateDir: "/tmp", url: "postgres://app:s3cret@db:notaport/slipway" }),
    (error: unknown) =>
      isSlipwayError(error, "STORE_FAILED") && /is not a valid URL/.test(error.message) && !`${error.message}${error.hint ?? ""}`.includes("s3cret"),
  );
});
