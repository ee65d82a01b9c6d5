import type Database from "better-sqlite3";
import { redactText } from "../util/secret.js";
import type { BuildOutcome, BuildRecord, BuildStatus, NewBuild } from "./store.js";

const LOG_LIMIT = 64 * 1024;

interface BuildRow {
  id: number;
  image: string;
  status: BuildStatus;
  fingerprint: string | null;
  tag: string | null;
  reference: string | null;
  digest: string | null;
  reasons: string;
  inputs: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  log: string;
}

/** The builds table: one row per attempt, inserted before it starts, updated once at the end. */
export class SqliteBuilds {
  constructor(private readonly db: Database.Database) {}

  start(build: NewBuild): BuildRecord {
    const result = this.db
      .prepare("INSERT INTO builds (image, status, fingerprint, reasons, inputs, started_at) VALUES (?, 'running', ?, ?, ?, ?)")
      .run(build.image, build.fingerprint ?? null, JSON.stringify(build.reasons), JSON.stringify(build.inputs), (build.startedAt ?? new Date()).toISOString());
    return this.get(Number(result.lastInsertRowid));
  }

  finish(id: number, outcome: BuildOutcome): BuildRecord {
    const log = outcome.log === undefined ? null : redactText(outcome.log.slice(-LOG_LIMIT));
    this.db
      .prepare(
        `UPDATE builds SET status = @status, fingerprint = COALESCE(@fingerprint, fingerprint), tag = @tag, reference = @reference,
           digest = @digest, error = @error, log = COALESCE(@log, log), inputs = COALESCE(@inputs, inputs), finished_at = @finishedAt
         WHERE id = @id`,
      )
      .run({
        id,
        status: outcome.status,
        fingerprint: outcome.fingerprint ?? null,
        tag: outcome.tag ?? null,
        reference: outcome.reference ?? null,
        digest: outcome.digest ?? null,
        error: outcome.error === undefined ? null : redactText(outcome.error),
        log,
        inputs: outcome.inputs === undefined ? null : JSON.stringify(outcome.inputs),
        finishedAt: (outcome.finishedAt ?? new Date()).toISOString(),
      });
    return this.get(id);
  }

  list(options: { image?: string; status?: BuildStatus; limit?: number }): BuildRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM builds WHERE (@image IS NULL OR image = @image) AND (@status IS NULL OR status = @status)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ image: options.image ?? null, status: options.status ?? null, limit: options.limit ?? 50 }) as BuildRow[];
    return rows.map(toRecord);
  }

  private get(id: number): BuildRecord {
    return toRecord(this.db.prepare("SELECT * FROM builds WHERE id = ?").get(id) as BuildRow);
  }
}

function toRecord(row: BuildRow): BuildRecord {
  return {
    id: row.id,
    image: row.image,
    status: row.status,
    ...(row.fingerprint === null ? {} : { fingerprint: row.fingerprint }),
    ...(row.tag === null ? {} : { tag: row.tag }),
    ...(row.reference === null ? {} : { reference: row.reference }),
    ...(row.digest === null ? {} : { digest: row.digest }),
    reasons: JSON.parse(row.reasons) as unknown[],
    inputs: JSON.parse(row.inputs) as Record<string, unknown>,
    startedAt: new Date(row.started_at),
    ...(row.finished_at === null ? {} : { finishedAt: new Date(row.finished_at) }),
    ...(row.error === null ? {} : { error: row.error }),
    log: row.log,
  };
}
