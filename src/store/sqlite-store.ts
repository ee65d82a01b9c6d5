import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { SlipwayError } from "../errors/index.js";
import { migrations, type Migration } from "./migrations.js";
import { sealSpec, type RevisionIdentity } from "./revision-sealing.js";
import { isSealed } from "./seal.js";
import { ephemeralKeySource, secretKeySource, type SecretKeySource } from "./secret-key.js";
import { SqlStore } from "./sql-store.js";
import { SqliteDatabase } from "./sqlite-database.js";
import type { Store } from "./store.js";

type Db = Database.Database;

/**
 * Opens (creating if needed) the SQLite store at `file` and brings its schema up to date.
 * Revision specs are sealed with `keys`; default: SLIPWAY_SECRET_KEY, else secret.key beside
 * the file (an in-memory store gets a key of its own that dies with it).
 */
export function openSqliteStore(file: string, options: { keys?: SecretKeySource } = {}): Store {
  const keys = options.keys ?? (file === ":memory:" ? ephemeralKeySource() : secretKeySource({ stateDir: dirname(file) }));
  const db = openDatabase(file);
  migrate(db, migrations);
  sealPlainRevisions(db, keys);
  return new SqlStore(new SqliteDatabase(db, file === ":memory:" ? file : resolve(file)), file, keys);
}

/**
 * Seals the revision specs a Slipway before sealing stored in clear (SQLite stores only: a
 * PostgreSQL store was never written unsealed), then checkpoints so neither the file nor its WAL
 * keeps the clear pages.
 */
function sealPlainRevisions(db: Db, keys: SecretKeySource): void {
  const rows = (db.prepare("SELECT service, environment, revision, spec FROM revisions").all() as (RevisionIdentity & { spec: string })[]).filter(
    (row) => !isSealed(row.spec),
  );
  if (rows.length === 0) return;
  const update = db.prepare("UPDATE revisions SET spec = ? WHERE service = ? AND environment = ? AND revision = ?");
  db.transaction(() => {
    for (const row of rows) update.run(sealSpec(JSON.parse(row.spec) as Record<string, unknown>, keys, row), row.service, row.environment, row.revision);
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
}

function openDatabase(file: string): Db {
  try {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    // Overwritten and deleted values are zeroed on disk, not left in free space.
    db.pragma("secure_delete = ON");
    return db;
  } catch (error) {
    throw new SlipwayError("STORE_FAILED", `cannot open the state store ${file}: ${(error as Error).message}`, {
      hint: "check that the state directory exists and is writable, or choose another with --state-dir",
      cause: error,
    });
  }
}

export function migrate(db: Db, list: readonly Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
  const current = applied.v ?? 0;
  const known = list.at(-1)?.version ?? 0;
  if (current > known) {
    throw new SlipwayError("STORE_FAILED", `the state store has schema version ${current}, newer than this Slipway knows (${known})`, {
      hint: "upgrade Slipway, or point --state-dir at another directory",
    });
  }
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const migration of list.filter((m) => m.version > current)) {
    db.transaction(() => {
      db.exec(migration.sqlite);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
  }
  return Math.max(current, known);
}
