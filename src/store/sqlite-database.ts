import type Database from "better-sqlite3";
import type { SqlDatabase, SqlRunner, SqlValue } from "./sql.js";

/**
 * SqlDatabase over one better-sqlite3 connection. Its calls are synchronous underneath; a
 * transaction stays open across the awaits of its work, so every other call on the same file
 * from this process (on any connection) waits until it ends, rather than landing inside it or
 * blocking the process in SQLite's busy wait for a lock only this process can release.
 * Transactions begin IMMEDIATE: they take the write lock up front and wait (busy_timeout) for
 * another process's, never deadlock upgrading.
 */
interface Gate {
  active: Promise<unknown> | undefined;
}

/** One gate per database file in this process; an in-memory database is a file of its own. */
const gates = new Map<string, Gate>();

export class SqliteDatabase implements SqlDatabase {
  readonly dialect = "sqlite" as const;
  readonly clock = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
  private readonly statements = new Map<string, Database.Statement>();
  private readonly gate: Gate;

  constructor(
    readonly raw: Database.Database,
    file: string,
  ) {
    const shared = file === ":memory:" ? undefined : gates.get(file);
    this.gate = shared ?? { active: undefined };
    if (file !== ":memory:") gates.set(file, this.gate);
  }

  private get active(): Promise<unknown> | undefined {
    return this.gate.active;
  }

  async all<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    while (this.active !== undefined) await this.active.catch(ignore);
    return this.statement(sql).all(...params) as Row[];
  }

  async get<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row | undefined> {
    while (this.active !== undefined) await this.active.catch(ignore);
    return this.statement(sql).get(...params) as Row | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    while (this.active !== undefined) await this.active.catch(ignore);
    return this.statement(sql).run(...params).changes;
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    // Checked again after every wait and acted on without one: nothing can start in between.
    while (this.active !== undefined) await this.active.catch(ignore);
    const tx: SqlRunner = {
      all: async <Row>(sql: string, params: readonly SqlValue[] = []) => this.statement(sql).all(...params) as Row[],
      get: async <Row>(sql: string, params: readonly SqlValue[] = []) => this.statement(sql).get(...params) as Row | undefined,
      run: async (sql, params = []) => this.statement(sql).run(...params).changes,
    };
    const running = (async () => {
      this.raw.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(tx);
        this.raw.exec("COMMIT");
        return result;
      } catch (error) {
        if (this.raw.inTransaction) this.raw.exec("ROLLBACK");
        throw error;
      }
    })();
    this.gate.active = running;
    try {
      return await running;
    } finally {
      this.gate.active = undefined;
    }
  }

  /** One process has the file open for a controller: nobody to tell, nothing to hear (the leader polls its inbox). */
  async notify(): Promise<void> {}

  async listen(): Promise<() => Promise<void>> {
    return async () => undefined;
  }

  /** PRAGMA data_version moves when another connection to the file commits (never for this one's own writes). */
  async watchForeignWrites(changed: () => void, pollMs: number): Promise<() => Promise<void>> {
    let seen = this.dataVersion();
    const timer = setInterval(() => {
      if (!this.raw.open) return;
      const now = this.dataVersion();
      if (now === seen) return;
      seen = now;
      changed();
    }, pollMs);
    timer.unref();
    return async () => clearInterval(timer);
  }

  private dataVersion(): number {
    return Number(this.raw.pragma("data_version", { simple: true }));
  }

  async close(): Promise<void> {
    while (this.active !== undefined) await this.active.catch(ignore);
    this.raw.close();
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.raw.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function ignore(): void {}
