import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, it } from "node:test";
import Database from "better-sqlite3";
import { isSlipwayError } from "../../../src/errors/index.js";
import type { Store } from "../../../src/store/index.js";
import { migrations } from "../../../src/store/migrations.js";
import { PostgresDatabase } from "../../../src/store/postgres-database.js";
import { migrate } from "../../../src/store/sqlite-store.js";
import { backends, type Backend, type Place } from "./backends.js";

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
const T0 = new Date("2031-05-01T10:00:00.000Z");
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

/** The place with its schema at version 7 (before read-only tokens and sessions) and one token in it. */
async function storeOfVersion7(backend: Backend, place: Place): Promise<void> {
  const before = migrations.filter((m) => m.version <= 7);
  const insert = "INSERT INTO api_tokens (name, hash, created_at) VALUES ('old', 'h-old', '2030-01-01T00:00:00.000Z')";
  if (backend.kind === "sqlite") {
    const db = new Database(place.url.slice("sqlite:".length));
    try {
      migrate(db, before);
      db.exec(insert);
    } finally {
      db.close();
    }
    return;
  }
  const db = new PostgresDatabase(place.url, before);
  try {
    await db.run(insert);
  } finally {
    await db.close();
  }
}

for (const backend of backends)
  describe(`store on ${backend.kind}: read-only tokens and dashboard sessions`, () => {
    let place: Place;
    let store: Store;
    beforeEach(async () => {
      place = await backend.fresh();
      store = place.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it("keeps a token read-only when made so; a token is full unless asked", async () => {
      const board = await store.createToken("board", "h-board", { readOnly: true });
      const ci = await store.createToken("ci", "h-ci");
      const explicit = await store.createToken("deployer", "h-deployer", { readOnly: false });
      assert.deepEqual([board.readOnly, ci.readOnly, explicit.readOnly], [true, false, false]);
      assert.equal((await store.useToken("h-board"))?.readOnly, true);
      assert.equal((await store.useToken("h-ci"))?.readOnly, false);
      assert.deepEqual(
        (await store.listTokens()).map((t) => [t.name, t.readOnly]),
        [
          ["board", true],
          ["ci", false],
          ["deployer", false],
        ],
      );
    });

    it("opens a session for a token, uses it (the token's last use updated) and ends it; only the secret's hash is stored", async () => {
      const alice = await store.createToken("alice", "h-alice");
      const idHash = sha256("session-secret-1");
      const opened = await store.createSession({ idHash, tokenId: alice.id, expiresAt: at(60) }, T0);
      assert.deepEqual(opened, { idHash, tokenId: alice.id, tokenName: "alice", readOnly: false, createdAt: T0, expiresAt: at(60) });

      assert.deepEqual(await store.useSession(idHash, at(1)), opened);
      assert.deepEqual((await store.listTokens()).find((t) => t.name === "alice")?.lastUsedAt, at(1));
      assert.equal(await store.useSession(sha256("another-secret"), at(1)), undefined);
      const rows = JSON.stringify(await place.rows("SELECT * FROM sessions"));
      assert.ok(rows.includes(idHash), rows);
      assert.ok(!rows.includes("session-secret-1"), "the secret is not stored");

      assert.equal(await store.endSession(idHash), true);
      assert.equal(await store.useSession(idHash, at(2)), undefined);
      assert.equal(await store.endSession(idHash), false, "a session ends once");

      const board = await store.createToken("board", "h-board", { readOnly: true });
      const watching = await store.createSession({ idHash: sha256("session-secret-2"), tokenId: board.id, expiresAt: at(60) }, T0);
      assert.deepEqual([watching.tokenName, watching.readOnly], ["board", true]);
      assert.equal((await store.useSession(watching.idHash, at(3)))?.readOnly, true);
    });

    it("does not use an expired session, and prunes it when the next session opens", async () => {
      const alice = await store.createToken("alice", "h-alice");
      const old = await store.createSession({ idHash: sha256("old"), tokenId: alice.id, expiresAt: at(60) }, T0);
      assert.ok(await store.useSession(old.idHash, at(59)), "used until it expires");
      assert.equal(await store.useSession(old.idHash, at(60)), undefined, "not at its expiry");
      assert.equal(await store.useSession(old.idHash, at(61)), undefined, "nor after");
      assert.deepEqual((await store.listTokens())[0]?.lastUsedAt, at(59), "a refused use is no use");
      assert.equal((await place.rows("SELECT * FROM sessions")).length, 1, "kept until a session opens");

      const fresh = await store.createSession({ idHash: sha256("fresh"), tokenId: alice.id, expiresAt: at(180) }, at(120));
      assert.deepEqual(
        (await place.rows("SELECT id_hash FROM sessions")).map((row) => row["id_hash"]),
        [fresh.idHash],
      );
    });

    it("ends a token's sessions when the token is revoked", async () => {
      const alice = await store.createToken("alice", "h-alice");
      const bob = await store.createToken("bob", "h-bob");
      const hers = await store.createSession({ idHash: sha256("hers"), tokenId: alice.id, expiresAt: at(60) }, T0);
      const his = await store.createSession({ idHash: sha256("his"), tokenId: bob.id, expiresAt: at(60) }, T0);
      assert.equal(await store.revokeToken("alice"), true);
      assert.equal(await store.useSession(hers.idHash, at(1)), undefined);
      assert.equal((await store.useSession(his.idHash, at(1)))?.tokenName, "bob", "other tokens' sessions stay");
      assert.deepEqual(
        (await place.rows("SELECT id_hash FROM sessions")).map((row) => row["id_hash"]),
        [his.idHash],
      );
      // A new token of the same name is another token: the old session does not come back.
      await store.createToken("alice", "h-alice-2");
      assert.equal(await store.useSession(hers.idHash, at(2)), undefined);
    });

    it("refuses a session of an unknown or revoked token (API_UNAUTHORIZED), and an id hash in use (INTERNAL)", async () => {
      await assert.rejects(store.createSession({ idHash: sha256("nobody"), tokenId: 999, expiresAt: at(60) }, T0), (error: unknown) =>
        isSlipwayError(error, "API_UNAUTHORIZED"),
      );
      const gone = await store.createToken("gone", "h-gone");
      await store.revokeToken("gone");
      await assert.rejects(store.createSession({ idHash: sha256("gone"), tokenId: gone.id, expiresAt: at(60) }, T0), (error: unknown) =>
        isSlipwayError(error, "API_UNAUTHORIZED"),
      );
      assert.equal((await place.rows("SELECT * FROM sessions")).length, 0);

      const alice = await store.createToken("alice", "h-alice");
      const bob = await store.createToken("bob", "h-bob");
      await store.createSession({ idHash: sha256("twice"), tokenId: alice.id, expiresAt: at(60) }, T0);
      await assert.rejects(store.createSession({ idHash: sha256("twice"), tokenId: bob.id, expiresAt: at(60) }, T0), (error: unknown) =>
        isSlipwayError(error, "INTERNAL"),
      );
      assert.equal((await store.useSession(sha256("twice"), at(1)))?.tokenName, "alice", "the first session is untouched");
    });

    it("upgrades a store of schema version 7: its tokens are full, and sessions open for them", async () => {
      const older = await backend.fresh();
      await storeOfVersion7(backend, older);
      const upgraded = older.open();
      try {
        assert.equal(await upgraded.schemaVersion(), migrations.at(-1)?.version);
        const [old] = await upgraded.listTokens();
        assert.deepEqual([old?.name, old?.readOnly], ["old", false]);
        const session = await upgraded.createSession({ idHash: sha256("after-upgrade"), tokenId: old?.id ?? 0, expiresAt: at(60) }, T0);
        assert.equal((await upgraded.useSession(session.idHash, at(1)))?.tokenName, "old");
      } finally {
        await upgraded.close();
      }
    });
  });
