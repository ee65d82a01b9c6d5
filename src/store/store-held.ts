import { heldNotFound as notFound, heldNotWaiting as notWaiting } from "./held-errors.js";
import { whereEqual, type SqlDatabase, type SqlRunner } from "./sql.js";
import type { FreezeRecord, HeldDeployRecord, HeldStatus, HeldVerdict, NewHeldDeploy } from "./store.js";

interface HeldRow {
  id: number;
  service: string;
  environment: string;
  image: string;
  trigger: string;
  requested_by: string;
  requested_at: string;
  status: HeldStatus;
  deadline: string | null;
  detail: string;
  finished_at: string | null;
  deployment: number | null;
  error: string | null;
}

interface VerdictRow {
  held_id: number;
  actor: string;
  verdict: "approve" | "reject";
  reason: string | null;
  at: string;
}

interface FreezeRow {
  environment: string;
  until: string;
  reason: string;
  by: string;
  at: string;
}

/** Held deploys, their verdicts and environment freezes (src/store/store.ts has the contract). */
export class StoreHeld {
  constructor(private readonly db: SqlDatabase) {}

  async hold(held: NewHeldDeploy): Promise<{ held: HeldDeployRecord; superseded: number[] }> {
    return this.db.transaction(async (tx) => {
      const waiting = await tx.all<{ id: number }>("SELECT id FROM held_deploys WHERE service = ? AND environment = ? AND status = 'waiting'", [
        held.service,
        held.environment,
      ]);
      const now = (held.requestedAt ?? new Date()).toISOString();
      const row = (await tx.get<HeldRow>(
        `INSERT INTO held_deploys (service, environment, image, trigger, requested_by, requested_at, status, deadline, detail)
         VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?, ?) RETURNING *`,
        [held.service, held.environment, held.image, held.trigger, held.requestedBy, now, held.deadline?.toISOString() ?? null, JSON.stringify(held.detail)],
      )) as HeldRow;
      for (const { id } of waiting) {
        await tx.run("UPDATE held_deploys SET status = 'superseded', finished_at = ?, error = ? WHERE id = ?", [
          now,
          `superseded by held deploy #${row.id}`,
          id,
        ]);
      }
      return { held: await toRecord(tx, row), superseded: waiting.map(({ id }) => id) };
    });
  }

  async supersedeWaiting(service: string, environment: string, reason: string, now: Date): Promise<number[]> {
    const rows = await this.db.all<{ id: number }>(
      "UPDATE held_deploys SET status = 'superseded', finished_at = ?, error = ? WHERE service = ? AND environment = ? AND status = 'waiting' RETURNING id",
      [now.toISOString(), reason, service, environment],
    );
    return rows.map(({ id }) => id).sort((a, b) => a - b);
  }

  async get(id: number): Promise<HeldDeployRecord | undefined> {
    const row = await this.db.get<HeldRow>("SELECT * FROM held_deploys WHERE id = ?", [id]);
    return row === undefined ? undefined : toRecord(this.db, row);
  }

  async list(options: { status?: HeldStatus; service?: string; environment?: string; limit?: number }): Promise<HeldDeployRecord[]> {
    const { where, values } = whereEqual({ status: options.status, service: options.service, environment: options.environment });
    const rows = await this.db.all<HeldRow>(`SELECT * FROM held_deploys ${where} ORDER BY id DESC LIMIT ?`, [...values, options.limit ?? 100]);
    return Promise.all(rows.map((row) => toRecord(this.db, row)));
  }

  async addVerdict(id: number, verdict: HeldVerdict): Promise<HeldDeployRecord> {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<HeldRow>("SELECT * FROM held_deploys WHERE id = ?", [id]);
      if (row === undefined) throw notFound(id);
      if (row.status !== "waiting") throw notWaiting(await toRecord(tx, row));
      await tx.run(
        `INSERT INTO held_verdicts (held_id, actor, verdict, reason, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (held_id, actor) DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason, at = excluded.at`,
        [id, verdict.actor, verdict.verdict, verdict.reason ?? null, verdict.at.toISOString()],
      );
      return toRecord(tx, row);
    });
  }

  async claim(id: number): Promise<boolean> {
    return (await this.db.run("UPDATE held_deploys SET status = 'running' WHERE id = ? AND status = 'waiting'", [id])) > 0;
  }

  async finish(
    id: number,
    outcome: { status: Exclude<HeldStatus, "waiting" | "running">; deployment?: number; error?: string; finishedAt?: Date },
  ): Promise<HeldDeployRecord> {
    const changed = await this.db.run(
      "UPDATE held_deploys SET status = ?, deployment = ?, error = ?, finished_at = ? WHERE id = ? AND status IN ('waiting', 'running')",
      [outcome.status, outcome.deployment ?? null, outcome.error ?? null, (outcome.finishedAt ?? new Date()).toISOString(), id],
    );
    const held = await this.get(id);
    if (held === undefined) throw notFound(id);
    if (changed === 0 && held.status !== outcome.status) throw notWaiting(held);
    return held;
  }

  async setFreeze(freeze: FreezeRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO freezes (environment, until, reason, by, at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (environment) DO UPDATE SET until = excluded.until, reason = excluded.reason, by = excluded.by, at = excluded.at`,
      [freeze.environment, freeze.until.toISOString(), freeze.reason, freeze.by, freeze.at.toISOString()],
    );
  }

  async clearFreeze(environment: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM freezes WHERE environment = ?", [environment])) > 0;
  }

  async listFreezes(): Promise<FreezeRecord[]> {
    const rows = await this.db.all<FreezeRow>("SELECT * FROM freezes ORDER BY environment");
    return rows.map((row) => ({ environment: row.environment, until: new Date(row.until), reason: row.reason, by: row.by, at: new Date(row.at) }));
  }
}

/** A held deploy's row with its verdicts, read through `on` (inside a transaction, its runner). */
async function toRecord(on: SqlRunner, row: HeldRow): Promise<HeldDeployRecord> {
  const verdicts = (await on.all<VerdictRow>("SELECT * FROM held_verdicts WHERE held_id = ? ORDER BY at", [row.id])).map((verdict): HeldVerdict => ({
    actor: verdict.actor,
    verdict: verdict.verdict,
    at: new Date(verdict.at),
    ...(verdict.reason === null ? {} : { reason: verdict.reason }),
  }));
  return {
    id: row.id,
    service: row.service,
    environment: row.environment,
    image: row.image,
    trigger: row.trigger,
    requestedBy: row.requested_by,
    requestedAt: new Date(row.requested_at),
    status: row.status,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    verdicts,
    ...(row.deadline === null ? {} : { deadline: new Date(row.deadline) }),
    ...(row.finished_at === null ? {} : { finishedAt: new Date(row.finished_at) }),
    ...(row.deployment === null ? {} : { deployment: row.deployment }),
    ...(row.error === null ? {} : { error: row.error }),
  };
}
