/**
 * The one seam between the store's tables and a database: SQL with `?` placeholders, run on
 * SQLite (src/store/sqlite-database.ts) or PostgreSQL (src/store/postgres-database.ts). The
 * tables (store-*.ts) are written once, in the SQL both dialects share: `INSERT ... RETURNING`,
 * `ON CONFLICT ... DO UPDATE`, `COALESCE`, `LIMIT ?`. Timestamps are ISO-8601 strings, booleans
 * 1 and 0, and JSON is text on the way in and out, whatever the columns are in each dialect.
 */
export type SqlValue = string | number | null;

export interface SqlRunner {
  /** Every row of a query. */
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** The first row of a query (or of an `INSERT ... RETURNING`), if any. */
  get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  /** Runs a statement; how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface TransactionOptions {
  /**
   * "read committed" (PostgreSQL) for work whose statements are each atomic and need no
   * snapshot of others' rows (an `INSERT ... ON CONFLICT DO NOTHING` and what it decides), so
   * many controllers doing it at once never abort each other. Default: serializable.
   */
  readonly isolation?: "serializable" | "read committed";
}

export interface SqlDatabase extends SqlRunner {
  readonly dialect: "sqlite" | "postgres";
  /**
   * An SQL expression of the database's own clock, comparable with the stored timestamps (and
   * read back as an ISO-8601 string). Leases are timed by it, so controllers whose clocks
   * disagree still agree on when a lease ran out.
   */
  readonly clock: string;
  /**
   * Runs `work` in one transaction that sees and writes alone: committed when it resolves, rolled
   * back when it throws. PostgreSQL runs it serializable and runs it again when it lost a race
   * with another controller's transaction, so `work` must only touch the database.
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Tells every listener of `channel` (PostgreSQL NOTIFY, sent when `tx` commits); SQLite has no listeners. */
  notify(tx: SqlRunner, channel: string, payload: string): Promise<void>;
  /** Calls `handler` with each payload sent on `channel` (PostgreSQL LISTEN on a connection of its own); resolves with a stop function. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Calls `changed` soon after another connection (another process) commits a write: SQLite
   * checks PRAGMA data_version every `pollMs`; PostgreSQL calls it never (its controllers announce
   * what they write on a channel instead). Resolves with a stop function.
   */
  watchForeignWrites(changed: () => void, pollMs: number): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** `WHERE a = ? AND b = ?` over the filters that are set, and their values; "" when none is. */
export function whereEqual(filters: Readonly<Record<string, SqlValue | undefined>>): { where: string; values: SqlValue[] } {
  const set = Object.entries(filters).filter((entry): entry is [string, SqlValue] => entry[1] !== undefined);
  return {
    where: set.length === 0 ? "" : `WHERE ${set.map(([column]) => `${column} = ?`).join(" AND ")}`,
    values: set.map(([, value]) => value),
  };
}
