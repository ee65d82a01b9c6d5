import { redactText } from "../util/secret.js";
import { whereEqual, type SqlDatabase } from "./sql.js";
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
export class StoreBuilds {
  constructor(private readonly db: SqlDatabase) {}

  async start(build: NewBuild): Promise<BuildRecord> {
    const row = await this.db.get<BuildRow>(
      "INSERT INTO builds (image, status, fingerprint, reasons, inputs, started_at) VALUES (?, 'running', ?, ?, ?, ?) RETURNING *",
      [build.image, build.fingerprint ?? null, JSON.stringify(build.reasons), JSON.stringify(build.inputs), (build.startedAt ?? new Date()).toISOString()],
    );
    return toRecord(row as BuildRow);
  }

  async finish(id: number, outcome: BuildOutcome): Promise<BuildRecord> {
    const log = outcome.log === undefined ? null : redactText(outcome.log.slice(-LOG_LIMIT));
    const row = await this.db.get<BuildRow>(
      `UPDATE builds SET status = ?, fingerprint = COALESCE(?, fingerprint), tag = ?, reference = ?,
         digest = ?, error = ?, log = COALESCE(?, log), inputs = COALESCE(?, inputs), finished_at = ?
       WHERE id = ? RETURNING *`,
      [
        outcome.status,
        outcome.fingerprint ?? null,
        outcome.tag ?? null,
        outcome.reference ?? null,
        outcome.digest ?? null,
        outcome.error === undefined ? null : redactText(outcome.error),
        log,
        outcome.inputs === undefined ? null : JSON.stringify(outcome.inputs),
        (outcome.finishedAt ?? new Date()).toISOString(),
        id,
      ],
    );
    if (row === undefined) throw new Error(`build ${id} does not exist`);
    return toRecord(row);
  }

  async list(options: { image?: string; status?: BuildStatus; limit?: number }): Promise<BuildRecord[]> {
    const { where, values } = whereEqual({ image: options.image, status: options.status });
    const rows = await this.db.all<BuildRow>(`SELECT * FROM builds ${where} ORDER BY id DESC LIMIT ?`, [...values, options.limit ?? 50]);
    return rows.map(toRecord);
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
