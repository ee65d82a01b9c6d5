import { migrations } from "./migrations.js";
import { PostgresDatabase } from "./postgres-database.js";
import type { SecretKeySource } from "./secret-key.js";
import { SqlStore } from "./sql-store.js";
import type { Store } from "./store.js";

/**
 * The store in a PostgreSQL database that several controllers share. It connects, and migrates
 * the schema, on first use; `location` is the URL with its password hidden. Every controller on
 * one database must seal with the same key (SLIPWAY_SECRET_KEY, docs/ha.md).
 */
export function openPostgresStore(url: string, options: { keys: SecretKeySource }): Store {
  const db = new PostgresDatabase(url, migrations);
  return new SqlStore(db, db.location, options.keys);
}
