import type pg from "pg";
import { SlipwayError } from "../errors/index.js";
import type { Migration } from "./migrations.js";
import type { SqlDatabase, SqlRunner, SqlValue, TransactionOptions } from "./sql.js";

/**
 * SqlDatabase over a pool of PostgreSQL connections (node-postgres). Opening is lazy: the pool
 * connects, and the schema is brought up to date, on the first call; a store that cannot be
 * reached fails that call with STORE_UNREACHABLE naming the (redacted) URL. Transactions run
 * SERIALIZABLE and are run again when they lose a race with another controller's (40001, 40P01),
 * so two controllers numbering the next revision of one service never both get the same number.
 */
const RETRIED = new Set(["40001", "40P01"]);
const ATTEMPTS = 8;
/** pg_advisory_xact_lock key taken while migrating: one controller migrates, the others wait. */
const MIGRATION_LOCK = 0x736c6970;

/** Values come back as the SQLite adapter gives them: numbers for bigint, 1 and 0 for booleans, JSON as text, timestamps as ISO strings. */
function typesOf(driver: typeof pg): pg.CustomTypesConfig {
  const { builtins } = driver.types;
  const parseTimestamp = driver.types.getTypeParser(builtins.TIMESTAMPTZ, "text") as (value: string) => Date;
  const getTypeParser = (oid: number, format?: "text" | "binary"): unknown => {
    if (oid === builtins.INT8) return (value: string) => Number(value);
    if (oid === builtins.BOOL) return (value: string) => (value === "t" ? 1 : 0);
    if (oid === builtins.JSON || oid === builtins.JSONB) return (value: string) => value;
    if (oid === builtins.TIMESTAMPTZ) return (value: string) => parseTimestamp(value).toISOString();
    return format === "binary" ? driver.types.getTypeParser(oid, "binary") : driver.types.getTypeParser(oid, "text");
  };
  return { getTypeParser: getTypeParser as pg.CustomTypesConfig["getTypeParser"] };
}

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = "postgres" as const;
  /** clock_timestamp(), not now(): the time of the query, not of its transaction's start. */
  readonly clock = "clock_timestamp()";
  /** The URL with its password replaced, for messages and `status`. */
  readonly location: string;
  /** Created on first use: the driver is loaded only by a command that uses this store. */
  private pool: pg.Pool | undefined;
  private readonly statements = new Map<string, string>();
  private ready: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly migrations: readonly Migration[],
  ) {
    this.location = redactUrl(url);
  }

  async all<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return (await this.query(await this.open(), sql, params)).rows as Row[];
  }

  async get<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row | undefined> {
    return (await this.all<Row>(sql, params))[0];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.query(await this.open(), sql, params)).rowCount ?? 0;
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.inTransaction(await this.open(), work, options.isolation ?? "serializable");
  }

  async notify(tx: SqlRunner, channel: string, payload: string): Promise<void> {
    await tx.get("SELECT pg_notify(?, ?)", [channel, payload]);
  }

  /** Controllers announce what they write (Store.announce); nothing to poll. */
  async watchForeignWrites(): Promise<() => Promise<void>> {
    return async () => undefined;
  }

  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    await this.open();
    const { default: driver } = await import("pg");
    const client = new driver.Client({ connectionString: this.url, application_name: "slipway-listen", types: typesOf(driver) });
    // A dropped connection only delays wake-ups: the leader polls its inbox as well.
    client.on("error", () => undefined);
    client.on("notification", (message) => {
      if (message.channel === channel) handler(message.payload ?? "");
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw this.unreachable(error);
    }
    return async () => {
      await client.end().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    await this.ready?.catch(() => undefined);
    await this.pool?.end();
    this.pool = undefined;
    this.ready = undefined;
  }

  /** The pool, its schema brought up to date; a failure is retried by the next call. */
  private async open(): Promise<pg.Pool> {
    if (this.pool === undefined) {
      const { default: driver } = await import("pg");
      this.pool ??= new driver.Pool({
        connectionString: this.url,
        max: 4,
        connectionTimeoutMillis: 10_000,
        idleTimeoutMillis: 30_000,
        allowExitOnIdle: true,
        application_name: "slipway",
        // Slipway's transactions hold only SQL, never a wait: one idle this long is a process
        // that was paused or hung mid-transaction, and the server ends it, releasing its locks.
        idle_in_transaction_session_timeout: 5_000,
        types: typesOf(driver),
      });
      // A pooled connection the server dropped (a restart, a failover) is replaced on next use; it is no crash.
      this.pool.on("error", () => undefined);
    }
    const pool = this.pool;
    this.ready ??= this.migrate(pool).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    return pool;
  }

  /** Applies the migrations this database lacks, in one transaction under an advisory lock. */
  private async migrate(pool: pg.Pool): Promise<void> {
    const client = await this.connect(pool);
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      const applied = await client.query<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations");
      const current = applied.rows[0]?.v ?? 0;
      const known = this.migrations.at(-1)?.version ?? 0;
      if (current > known) {
        throw new SlipwayError("STORE_FAILED", `the state store ${this.location} has schema version ${current}, newer than this Slipway knows (${known})`, {
          hint: "upgrade Slipway on every controller that shares this database",
        });
      }
      for (const migration of this.migrations.filter((m) => m.version > current)) {
        await client.query(migration.postgres);
        await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
          migration.version,
          migration.name,
          new Date().toISOString(),
        ]);
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw this.unreachable(error);
    } finally {
      client.release();
    }
  }

  private async inTransaction<T>(pool: pg.Pool, work: (tx: SqlRunner) => Promise<T>, isolation: "serializable" | "read committed"): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.connect(pool);
      const tx: SqlRunner = {
        all: async <Row>(sql: string, params: readonly SqlValue[] = []) => (await this.query(client, sql, params)).rows as Row[],
        get: async <Row>(sql: string, params: readonly SqlValue[] = []) => (await this.query(client, sql, params)).rows[0] as Row | undefined,
        run: async (sql, params = []) => (await this.query(client, sql, params)).rowCount ?? 0,
      };
      try {
        await client.query(isolation === "serializable" ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN ISOLATION LEVEL READ COMMITTED");
        const result = await work(tx);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        if (attempt < ATTEMPTS && RETRIED.has(codeOf(error))) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
          continue;
        }
        throw this.unreachable(error);
      } finally {
        client.release();
      }
    }
  }

  private async connect(pool: pg.Pool): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (error) {
      throw this.unreachable(error);
    }
  }

  private async query(on: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    try {
      return await on.query(this.positional(sql), params.length === 0 ? undefined : [...params]);
    } catch (error) {
      throw this.unreachable(error);
    }
  }

  /** `?` placeholders as PostgreSQL's `$1, $2, ...` (the store's SQL has no `?` of its own). */
  private positional(sql: string): string {
    let text = this.statements.get(sql);
    if (text === undefined) {
      let n = 0;
      text = sql.replace(/\?/g, () => `$${++n}`);
      this.statements.set(sql, text);
    }
    return text;
  }

  /** A connection, authentication or missing-database error as STORE_UNREACHABLE; any other error as it is. */
  private unreachable(error: unknown): unknown {
    if (error instanceof SlipwayError) return error;
    const code = codeOf(error);
    const connection =
      /^(08|28|3D|57P)/.test(code) || /^E[A-Z]+$/.test(code) || /timeout exceeded when trying to connect|Connection terminated/i.test(messageOf(error));
    if (!connection) return error;
    return new SlipwayError("STORE_UNREACHABLE", `cannot use the PostgreSQL store ${this.location}: ${messageOf(error)}`, {
      hint: "check that PostgreSQL runs and answers there, that the user and password in the URL are right and that the database exists",
      cause: error,
    });
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

function messageOf(error: unknown): string {
  // A host name with several addresses (localhost: ::1 and 127.0.0.1) fails as an AggregateError without a message of its own.
  if (error instanceof AggregateError && error.message === "") return error.errors.map(messageOf).join("; ");
  return error instanceof Error ? error.message || error.constructor.name : String(error);
}

/** postgres://user:***@host/db: the URL without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    for (const name of ["password", "sslpassword"]) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, "***");
    return parsed.toString();
  } catch {
    return "(an unparsable PostgreSQL URL)";
  }
}
