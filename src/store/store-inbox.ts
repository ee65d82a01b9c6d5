import { whereEqual, type SqlDatabase } from "./sql.js";
import type { InboxItem, LeaderTerm, NewDelivery } from "./store.js";

/** The channel every controller listens on for new inbox items (PostgreSQL). */
export const INBOX_CHANNEL = "slipway_inbox";

interface InboxRow {
  id: number;
  provider: string;
  delivery_id: string;
  leadership: string;
  event: string;
  hints: string;
  received_by: string;
  received_at: string;
  status: InboxItem["status"];
  taken_by: string | null;
  taken_epoch: number | null;
  done_at: string | null;
}

/** Webhook deliveries (their ids, a week of them) and the inbox of those waiting for the leader. */
export class StoreInbox {
  constructor(private readonly db: SqlDatabase) {}

  /** Read committed: each statement decides atomically, and deliveries accepted at once by many controllers never abort each other. */
  async accept(delivery: NewDelivery, now: Date): Promise<boolean> {
    return this.db.transaction(
      async (tx) => {
        const fresh = await tx.run("INSERT INTO webhook_deliveries (provider, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [
          delivery.provider,
          delivery.deliveryId,
          now.toISOString(),
        ]);
        // Keep a week of delivery ids: providers re-deliver within hours, not weeks.
        await tx.run("DELETE FROM webhook_deliveries WHERE received_at < ?", [new Date(now.getTime() - 7 * 86_400_000).toISOString()]);
        if (fresh === 0 || delivery.queueFor === undefined) return fresh > 0;
        await tx.run(
          `INSERT INTO inbox (provider, delivery_id, leadership, event, hints, received_by, received_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'queued')`,
          [delivery.provider, delivery.deliveryId, delivery.queueFor, delivery.event, JSON.stringify(delivery.hints), delivery.receivedBy, now.toISOString()],
        );
        await this.db.notify(tx, INBOX_CHANNEL, delivery.queueFor);
        return true;
      },
      { isolation: "read committed" },
    );
  }

  async take(term: LeaderTerm, limit: number): Promise<InboxItem[]> {
    const rows = await this.db.all<InboxRow>(
      `UPDATE inbox SET status = 'taken', taken_by = ?, taken_epoch = ?
       WHERE id IN (SELECT id FROM inbox WHERE leadership = ? AND (status = 'queued' OR (status = 'taken' AND taken_epoch < ?)) ORDER BY id LIMIT ?)
       RETURNING *`,
      [term.holder, term.epoch, term.name, term.epoch, limit],
    );
    return rows.map(toItem).sort((a, b) => a.id - b.id);
  }

  async finish(ids: readonly number[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.run(`UPDATE inbox SET status = 'done', done_at = ? WHERE id IN (${ids.map(() => "?").join(", ")})`, [now.toISOString(), ...ids]);
  }

  async list(options: { status?: InboxItem["status"]; limit?: number }): Promise<InboxItem[]> {
    const { where, values } = whereEqual({ status: options.status });
    return (await this.db.all<InboxRow>(`SELECT * FROM inbox ${where} ORDER BY id DESC LIMIT ?`, [...values, options.limit ?? 100])).map(toItem);
  }

  watch(wake: (leadership: string) => void): Promise<() => Promise<void>> {
    return this.db.listen(INBOX_CHANNEL, wake);
  }
}

function toItem(row: InboxRow): InboxItem {
  return {
    id: row.id,
    provider: row.provider,
    deliveryId: row.delivery_id,
    leadership: row.leadership,
    event: row.event,
    hints: JSON.parse(row.hints) as unknown[],
    receivedBy: row.received_by,
    receivedAt: new Date(row.received_at),
    status: row.status,
    ...(row.taken_by === null ? {} : { takenBy: row.taken_by }),
    ...(row.taken_epoch === null ? {} : { takenEpoch: row.taken_epoch }),
    ...(row.done_at === null ? {} : { doneAt: new Date(row.done_at) }),
  };
}
