import { SlipwayError } from "../errors/index.js";
import type { SqlDatabase, SqlRunner, SqlValue, TransactionOptions } from "./sql.js";
import type { LeaderTerm, Leadership } from "./store.js";

interface LeadershipRow {
  name: string;
  holder: string;
  epoch: number;
  since: string;
  renewed_at: string;
  expires_at: string;
}

/** The leadership table: one row per name, its holder, epoch and lease, timed by the database's clock. */
export class StoreLeadership {
  constructor(private readonly db: SqlDatabase) {}

  async claim(name: string, holder: string, leaseMs: number, dead?: string): Promise<{ acquired: boolean; leadership: Leadership }> {
    return this.db.transaction(async (tx) => {
      const now = await clockOf(this.db, tx);
      const expiresAt = new Date(now.getTime() + leaseMs).toISOString();
      const row = await tx.get<LeadershipRow>("SELECT * FROM leadership WHERE name = ?", [name]);
      if (row === undefined) {
        const taken = await tx.get<LeadershipRow>(
          "INSERT INTO leadership (name, holder, epoch, since, renewed_at, expires_at) VALUES (?, ?, 1, ?, ?, ?) RETURNING *",
          [name, holder, now.toISOString(), now.toISOString(), expiresAt],
        );
        return { acquired: true, leadership: toLeadership(taken as LeadershipRow) };
      }
      const live = new Date(row.expires_at).getTime() > now.getTime() && row.holder !== dead;
      if (live && row.holder !== holder) return { acquired: false, leadership: toLeadership(row) };
      const updated = live
        ? await tx.get<LeadershipRow>("UPDATE leadership SET renewed_at = ?, expires_at = ? WHERE name = ? RETURNING *", [now.toISOString(), expiresAt, name])
        : await tx.get<LeadershipRow>(
            "UPDATE leadership SET holder = ?, epoch = epoch + 1, since = ?, renewed_at = ?, expires_at = ? WHERE name = ? RETURNING *",
            [holder, now.toISOString(), now.toISOString(), expiresAt, name],
          );
      return { acquired: true, leadership: toLeadership(updated as LeadershipRow) };
    });
  }

  async resign(term: LeaderTerm): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const now = (await clockOf(this.db, tx)).toISOString();
      return (
        (await tx.run("UPDATE leadership SET expires_at = ? WHERE name = ? AND holder = ? AND epoch = ? AND expires_at > ?", [
          now,
          term.name,
          term.holder,
          term.epoch,
          now,
        ])) > 0
      );
    });
  }

  async get(name: string): Promise<Leadership | undefined> {
    const row = await this.db.get<LeadershipRow>("SELECT * FROM leadership WHERE name = ?", [name]);
    return row === undefined ? undefined : toLeadership(row);
  }
}

/**
 * A SqlDatabase whose every write runs in a transaction that first checks `term` still holds
 * by the database's clock: a write lands only while its term's lease runs, never after a
 * takeover committed.
 */
export class FencedDatabase implements SqlDatabase {
  readonly dialect: SqlDatabase["dialect"];
  readonly clock: string;

  constructor(
    private readonly inner: SqlDatabase,
    private readonly term: LeaderTerm,
  ) {
    this.dialect = inner.dialect;
    this.clock = inner.clock;
  }

  async all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return isRead(sql) ? this.inner.all<Row>(sql, params) : this.transaction((tx) => tx.all<Row>(sql, params));
  }

  async get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined> {
    return isRead(sql) ? this.inner.get<Row>(sql, params) : this.transaction((tx) => tx.get<Row>(sql, params));
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.transaction((tx) => tx.run(sql, params));
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.inner.transaction(async (tx) => {
      // FOR SHARE (PostgreSQL): a takeover's update waits for this transaction to end, so no
      // fenced write commits after it; a leader paused mid-transaction is cut off by the server
      // (idle_in_transaction_session_timeout, src/store/postgres-database.ts). SQLite's
      // transactions already run one at a time.
      const share = this.dialect === "postgres" ? " FOR SHARE" : "";
      // One query: the check and the database's clock together.
      const holds = await tx.get<{ epoch: number }>(
        `SELECT epoch FROM leadership WHERE name = ? AND holder = ? AND epoch = ? AND expires_at > ${this.clock}${share}`,
        [this.term.name, this.term.holder, this.term.epoch],
      );
      if (holds === undefined) throw leadershipLost(this.term);
      return work(tx);
    }, options);
  }

  notify(tx: SqlRunner, channel: string, payload: string): Promise<void> {
    return this.inner.notify(tx, channel, payload);
  }

  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    return this.inner.listen(channel, handler);
  }

  watchForeignWrites(changed: () => void, pollMs: number): Promise<() => Promise<void>> {
    return this.inner.watchForeignWrites(changed, pollMs);
  }

  /** The connection is the inner store's; closing a fenced view of it closes nothing. */
  async close(): Promise<void> {}
}

export function leadershipLost(term: LeaderTerm): SlipwayError {
  return new SlipwayError(
    "LEADERSHIP_LOST",
    `${term.holder} no longer leads (${term.name}, epoch ${term.epoch}): its lease ran out or another controller took over`,
    {
      hint: "nothing was written; the controller that leads now does this work",
    },
  );
}

function isRead(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql);
}

async function clockOf(db: SqlDatabase, tx: SqlRunner): Promise<Date> {
  const row = await tx.get<{ now: string }>(`SELECT ${db.clock} AS now`);
  if (row === undefined) throw new Error("the database did not tell its time");
  return new Date(row.now);
}

function toLeadership(row: LeadershipRow): Leadership {
  return {
    name: row.name,
    holder: row.holder,
    epoch: row.epoch,
    since: new Date(row.since),
    renewedAt: new Date(row.renewed_at),
    expiresAt: new Date(row.expires_at),
  };
}
