import type Database from "better-sqlite3";
import { heldNotFound as notFound, heldNotWaiting as notWaiting } from "./held-errors.js";
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

/** Held deploys, their verdicts and environment freezes in SQLite (src/store/store.ts has the contract). */
export class SqliteHeld {
  constructor(private readonly db: Database.Database) {}

  hold(held: NewHeldDeploy): { held: HeldDeployRecord; superseded: number[] } {
    return this.db.transaction(() => {
      const waiting = this.db
        .prepare("SELECT id FROM held_deploys WHERE service = ? AND environment = ? AND status = 'waiting'")
        .all(held.service, held.environment) as { id: number }[];
      const now = (held.requestedAt ?? new Date()).toISOString();
      const result = this.db
        .prepare(
          `INSERT INTO held_deploys (service, environment, image, trigger, requested_by, requested_at, status, deadline, detail)
           VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?, ?)`,
        )
        .run(
          held.service,
          held.environment,
          held.image,
          held.trigger,
          held.requestedBy,
          now,
          held.deadline?.toISOString() ?? null,
          JSON.stringify(held.detail),
        );
      const id = Number(result.lastInsertRowid);
      const supersede = this.db.prepare("UPDATE held_deploys SET status = 'superseded', finished_at = ?, error = ? WHERE id = ?");
      for (const row of waiting) supersede.run(now, `superseded by held deploy #${id}`, row.id);
      return { held: this.get(id) as HeldDeployRecord, superseded: waiting.map((row) => row.id) };
    })();
  }

  supersedeWaiting(service: string, environment: string, reason: string, now: Date): number[] {
    return this.db.transaction(() => {
      const waiting = this.db.prepare("SELECT id FROM held_deploys WHERE service = ? AND environment = ? AND status = 'waiting'").all(service, environment) as {
        id: number;
      }[];
      const supersede = this.db.prepare("UPDATE held_deploys SET status = 'superseded', finished_at = ?, error = ? WHERE id = ? AND status = 'waiting'");
      for (const row of waiting) supersede.run(now.toISOString(), reason, row.id);
      return waiting.map((row) => row.id);
    })();
  }

  get(id: number): HeldDeployRecord | undefined {
    const row = this.db.prepare("SELECT * FROM held_deploys WHERE id = ?").get(id) as HeldRow | undefined;
    return row === undefined ? undefined : this.toRecord(row);
  }

  list(options: { status?: HeldStatus; service?: string; environment?: string; limit?: number }): HeldDeployRecord[] {
    const filters = [
      ["status", options.status],
      ["service", options.service],
      ["environment", options.environment],
    ].filter((filter): filter is [string, string] => filter[1] !== undefined);
    const where = filters.map(([column]) => `${column} = ?`);
    const values: (string | number)[] = filters.map(([, value]) => value);
    const rows = this.db
      .prepare(`SELECT * FROM held_deploys ${where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`} ORDER BY id DESC LIMIT ?`)
      .all(...values, options.limit ?? 100) as HeldRow[];
    return rows.map((row) => this.toRecord(row));
  }

  addVerdict(id: number, verdict: HeldVerdict): HeldDeployRecord {
    return this.db.transaction(() => {
      const held = this.get(id);
      if (held === undefined) throw notFound(id);
      if (held.status !== "waiting") throw notWaiting(held);
      this.db
        .prepare(
          `INSERT INTO held_verdicts (held_id, actor, verdict, reason, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (held_id, actor) DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason, at = excluded.at`,
        )
        .run(id, verdict.actor, verdict.verdict, verdict.reason ?? null, verdict.at.toISOString());
      return this.get(id) as HeldDeployRecord;
    })();
  }

  claim(id: number): boolean {
    return this.db.prepare("UPDATE held_deploys SET status = 'running' WHERE id = ? AND status = 'waiting'").run(id).changes > 0;
  }

  finish(
    id: number,
    outcome: { status: Exclude<HeldStatus, "waiting" | "running">; deployment?: number; error?: string; finishedAt?: Date },
  ): HeldDeployRecord {
    const changed = this.db
      .prepare("UPDATE held_deploys SET status = ?, deployment = ?, error = ?, finished_at = ? WHERE id = ? AND status IN ('waiting', 'running')")
      .run(outcome.status, outcome.deployment ?? null, outcome.error ?? null, (outcome.finishedAt ?? new Date()).toISOString(), id).changes;
    const held = this.get(id);
    if (held === undefined) throw notFound(id);
    if (changed === 0 && held.status !== outcome.status) throw notWaiting(held);
    return held;
  }

  setFreeze(freeze: FreezeRecord): void {
    this.db
      .prepare(
        `INSERT INTO freezes (environment, until, reason, by, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (environment) DO UPDATE SET until = excluded.until, reason = excluded.reason, by = excluded.by, at = excluded.at`,
      )
      .run(freeze.environment, freeze.until.toISOString(), freeze.reason, freeze.by, freeze.at.toISOString());
  }

  clearFreeze(environment: string): boolean {
    return this.db.prepare("DELETE FROM freezes WHERE environment = ?").run(environment).changes > 0;
  }

  listFreezes(): FreezeRecord[] {
    const rows = this.db.prepare("SELECT * FROM freezes ORDER BY environment").all() as FreezeRow[];
    return rows.map((row) => ({ environment: row.environment, until: new Date(row.until), reason: row.reason, by: row.by, at: new Date(row.at) }));
  }

  private toRecord(row: HeldRow): HeldDeployRecord {
    const verdicts = (this.db.prepare("SELECT * FROM held_verdicts WHERE held_id = ? ORDER BY at").all(row.id) as VerdictRow[]).map((verdict): HeldVerdict => ({
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
}
