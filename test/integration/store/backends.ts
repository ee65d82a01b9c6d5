import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import Database from "better-sqlite3";
import { openStore, type SecretKeySource, type Store } from "../../../src/store/index.js";
import { rowsOf, startPostgres, type TestPostgres } from "../../harness/postgres.js";

/**
 * The store suite runs on each backend: the embedded SQLite file and a real PostgreSQL 15
 * (test/harness/postgres.ts), started once per test file on first use and stopped after it.
 */
export interface Backend {
  readonly kind: "sqlite" | "postgres";
  /** A new, empty store of its own. */
  fresh(): Promise<Place>;
}

export interface Place {
  /** The state directory (where the key file lives) and the URL openStore is given. */
  readonly stateDir: string;
  readonly url: string;
  /** A new connection to the place, as another process (or controller) would open it. */
  open(options?: { keys?: SecretKeySource }): Store;
  /** The rows of a query run on the database itself, bypassing the store: what is at rest. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
}

const dirs: string[] = [];
let server: Promise<TestPostgres> | undefined;

after(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await (await server?.catch(() => undefined))?.stop();
});

function place(url: (stateDir: string) => string, rows: (url: string, sql: string) => Promise<Record<string, unknown>[]>): Place {
  const stateDir = mkdtempSync(join(tmpdir(), "slipway-store-"));
  dirs.push(stateDir);
  const at = url(stateDir);
  return {
    stateDir,
    url: at,
    open: (options = {}) => openStore({ stateDir, url: at, ...(options.keys === undefined ? {} : { keys: options.keys }) }),
    rows: (sql) => rows(at, sql),
  };
}

export const sqlite: Backend = {
  kind: "sqlite",
  fresh: async () =>
    place(
      (stateDir) => `sqlite:${join(stateDir, "slipway.db")}`,
      async (url, sql) => {
        const db = new Database(url.slice("sqlite:".length), { readonly: true });
        try {
          return db.prepare(sql).all() as Record<string, unknown>[];
        } finally {
          db.close();
        }
      },
    ),
};

export const postgres: Backend = {
  kind: "postgres",
  fresh: async () => {
    const url = await (await postgresServer()).createDatabase();
    return place(() => url, rowsOf);
  },
};

export const backends: readonly Backend[] = [sqlite, postgres];

/** The server of this file's PostgreSQL backend (started if it is not yet). */
export async function postgresServer(): Promise<TestPostgres> {
  server ??= startPostgres();
  return server;
}
