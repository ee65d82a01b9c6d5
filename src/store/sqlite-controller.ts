import type Database from "better-sqlite3";
import { SlipwayError } from "../errors/index.js";
import { redactText } from "../util/secret.js";
import type {
  ApiTokenRecord,
  JobRunRecord,
  JobRunStatus,
  NewJobRun,
  NewPipelineRun,
  PipelineRunRecord,
  PipelineRunStatus,
  PipelineStep,
  PipelineStepStatus,
} from "./store.js";

interface RunRow {
  id: number;
  environment: string;
  source: string;
  branch: string;
  commit_sha: string;
  trigger: string;
  status: PipelineRunStatus;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  summary: string;
}

interface RunStepRow {
  run_id: number;
  seq: number;
  name: string;
  status: PipelineStepStatus;
  detail: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

interface JobRunRow {
  id: number;
  job: string;
  trigger: string;
  status: JobRunStatus;
  image: string | null;
  exit_code: number | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

interface TokenRow {
  id: number;
  name: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** The controller's tables: pipeline runs and steps, job runs, API tokens, webhook deliveries, watch state. */
export class SqliteController {
  constructor(private readonly db: Database.Database) {}

  startRun(run: NewPipelineRun): PipelineRunRecord {
    const result = this.db
      .prepare(
        `INSERT INTO pipeline_runs (environment, source, branch, commit_sha, trigger, status, started_at)
         VALUES (?, ?, ?, ?, ?, 'running', ?)`,
      )
      .run(run.environment, run.source, run.branch, run.commit, run.trigger, (run.startedAt ?? new Date()).toISOString());
    return this.getRun(Number(result.lastInsertRowid)) as PipelineRunRecord;
  }

  finishRun(
    id: number,
    outcome: { status: Exclude<PipelineRunStatus, "running">; error?: string; summary?: Readonly<Record<string, unknown>>; finishedAt?: Date },
  ): PipelineRunRecord {
    this.db
      .prepare("UPDATE pipeline_runs SET status = ?, error = ?, summary = COALESCE(?, summary), finished_at = ? WHERE id = ?")
      .run(
        outcome.status,
        outcome.error === undefined ? null : redactText(outcome.error),
        outcome.summary === undefined ? null : JSON.stringify(outcome.summary),
        (outcome.finishedAt ?? new Date()).toISOString(),
        id,
      );
    const run = this.getRun(id);
    if (!run) throw new SlipwayError("INTERNAL", `pipeline run ${id} does not exist`);
    return run;
  }

  getRun(id: number): PipelineRunRecord | undefined {
    const row = this.db.prepare("SELECT * FROM pipeline_runs WHERE id = ?").get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  listRuns(options: { environment?: string; status?: PipelineRunStatus; limit?: number }): PipelineRunRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM pipeline_runs WHERE (@environment IS NULL OR environment = @environment) AND (@status IS NULL OR status = @status)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ environment: options.environment ?? null, status: options.status ?? null, limit: options.limit ?? 50 }) as RunRow[];
    return rows.map(toRun);
  }

  startRunStep(runId: number, name: string, detail: Readonly<Record<string, unknown>>): PipelineStep {
    const insert = this.db.transaction(() => {
      const row = this.db.prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM pipeline_steps WHERE run_id = ?").get(runId) as { n: number };
      const seq = row.n + 1;
      this.db
        .prepare("INSERT INTO pipeline_steps (run_id, seq, name, status, detail, started_at) VALUES (?, ?, ?, 'started', ?, ?)")
        .run(runId, seq, name, JSON.stringify(detail), new Date().toISOString());
      return seq;
    });
    return this.getRunStep(runId, insert());
  }

  finishRunStep(
    runId: number,
    seq: number,
    outcome: { status: Exclude<PipelineStepStatus, "started">; error?: string; detail?: Readonly<Record<string, unknown>> },
  ): PipelineStep {
    this.db
      .prepare("UPDATE pipeline_steps SET status = ?, error = ?, detail = COALESCE(?, detail), finished_at = ? WHERE run_id = ? AND seq = ?")
      .run(
        outcome.status,
        outcome.error === undefined ? null : redactText(outcome.error),
        outcome.detail === undefined ? null : JSON.stringify(outcome.detail),
        new Date().toISOString(),
        runId,
        seq,
      );
    return this.getRunStep(runId, seq);
  }

  listRunSteps(runId: number): PipelineStep[] {
    const rows = this.db.prepare("SELECT * FROM pipeline_steps WHERE run_id = ? ORDER BY seq").all(runId) as RunStepRow[];
    return rows.map(toRunStep);
  }

  private getRunStep(runId: number, seq: number): PipelineStep {
    const row = this.db.prepare("SELECT * FROM pipeline_steps WHERE run_id = ? AND seq = ?").get(runId, seq) as RunStepRow | undefined;
    if (!row) throw new SlipwayError("INTERNAL", `pipeline run ${runId} has no step ${seq}`);
    return toRunStep(row);
  }

  startJobRun(run: NewJobRun): JobRunRecord {
    const status = run.status ?? "running";
    const startedAt = (run.startedAt ?? new Date()).toISOString();
    const result = this.db
      .prepare("INSERT INTO job_runs (job, trigger, status, image, started_at, finished_at, error) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(
        run.job,
        run.trigger,
        status,
        run.image ?? null,
        startedAt,
        status === "skipped" ? startedAt : null,
        run.error === undefined ? null : redactText(run.error),
      );
    return this.getJobRun(Number(result.lastInsertRowid));
  }

  finishJobRun(id: number, outcome: { status: "succeeded" | "failed"; exitCode?: number; error?: string; image?: string; finishedAt?: Date }): JobRunRecord {
    this.db
      .prepare("UPDATE job_runs SET status = ?, exit_code = ?, error = ?, image = COALESCE(?, image), finished_at = ? WHERE id = ?")
      .run(
        outcome.status,
        outcome.exitCode ?? null,
        outcome.error === undefined ? null : redactText(outcome.error),
        outcome.image ?? null,
        (outcome.finishedAt ?? new Date()).toISOString(),
        id,
      );
    return this.getJobRun(id);
  }

  listJobRuns(options: { job?: string; limit?: number }): JobRunRecord[] {
    const rows = this.db
      .prepare("SELECT * FROM job_runs WHERE (@job IS NULL OR job = @job) ORDER BY id DESC LIMIT @limit")
      .all({ job: options.job ?? null, limit: options.limit ?? 50 }) as JobRunRow[];
    return rows.map(toJobRun);
  }

  private getJobRun(id: number): JobRunRecord {
    const row = this.db.prepare("SELECT * FROM job_runs WHERE id = ?").get(id) as JobRunRow | undefined;
    if (!row) throw new SlipwayError("INTERNAL", `job run ${id} does not exist`);
    return toJobRun(row);
  }

  createToken(name: string, hash: string): ApiTokenRecord {
    const existing = this.db.prepare("SELECT id FROM api_tokens WHERE name = ?").get(name);
    if (existing) {
      throw new SlipwayError("TOKEN_EXISTS", `a token named ${name} already exists`, {
        hint: `choose another name, or revoke it first with: slipway token revoke ${name}`,
      });
    }
    this.db.prepare("INSERT INTO api_tokens (name, hash, created_at) VALUES (?, ?, ?)").run(name, hash, new Date().toISOString());
    return toToken(this.db.prepare("SELECT * FROM api_tokens WHERE name = ?").get(name) as TokenRow);
  }

  useToken(hash: string, now: Date): ApiTokenRecord | undefined {
    const row = this.db.prepare("SELECT * FROM api_tokens WHERE hash = ? AND revoked_at IS NULL").get(hash) as TokenRow | undefined;
    if (!row) return undefined;
    this.db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(now.toISOString(), row.id);
    return toToken({ ...row, last_used_at: now.toISOString() });
  }

  listTokens(): ApiTokenRecord[] {
    return (this.db.prepare("SELECT * FROM api_tokens ORDER BY name").all() as TokenRow[]).map(toToken);
  }

  revokeToken(name: string): boolean {
    // A revoked token is deleted: its name is free again and nothing of it remains to match.
    return this.db.prepare("DELETE FROM api_tokens WHERE name = ?").run(name).changes > 0;
  }

  recordDelivery(provider: string, deliveryId: string, now: Date): boolean {
    const result = this.db
      .prepare("INSERT INTO webhook_deliveries (provider, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
      .run(provider, deliveryId, now.toISOString());
    // Keep a week of delivery ids: providers re-deliver within hours, not weeks.
    this.db.prepare("DELETE FROM webhook_deliveries WHERE received_at < ?").run(new Date(now.getTime() - 7 * 86_400_000).toISOString());
    return result.changes > 0;
  }

  getWatch(key: string): { value: string; checkedAt: Date } | undefined {
    const row = this.db.prepare("SELECT value, checked_at FROM watch_state WHERE key = ?").get(key) as { value: string; checked_at: string } | undefined;
    return row && { value: row.value, checkedAt: new Date(row.checked_at) };
  }

  setWatch(key: string, value: string, now: Date): void {
    this.db
      .prepare(
        "INSERT INTO watch_state (key, value, checked_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, checked_at = excluded.checked_at",
      )
      .run(key, value, now.toISOString());
  }
}

function toRun(row: RunRow): PipelineRunRecord {
  return {
    id: row.id,
    environment: row.environment,
    source: row.source,
    branch: row.branch,
    commit: row.commit_sha,
    trigger: row.trigger,
    status: row.status,
    startedAt: new Date(row.started_at),
    ...(row.finished_at === null ? {} : { finishedAt: new Date(row.finished_at) }),
    ...(row.error === null ? {} : { error: row.error }),
    summary: JSON.parse(row.summary) as Record<string, unknown>,
  };
}

function toRunStep(row: RunStepRow): PipelineStep {
  return {
    runId: row.run_id,
    seq: row.seq,
    name: row.name,
    status: row.status,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    startedAt: new Date(row.started_at),
    ...(row.finished_at === null ? {} : { finishedAt: new Date(row.finished_at) }),
    ...(row.error === null ? {} : { error: row.error }),
  };
}

function toJobRun(row: JobRunRow): JobRunRecord {
  return {
    id: row.id,
    job: row.job,
    trigger: row.trigger,
    status: row.status,
    ...(row.image === null ? {} : { image: row.image }),
    ...(row.exit_code === null ? {} : { exitCode: row.exit_code }),
    startedAt: new Date(row.started_at),
    ...(row.finished_at === null ? {} : { finishedAt: new Date(row.finished_at) }),
    ...(row.error === null ? {} : { error: row.error }),
  };
}

function toToken(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    createdAt: new Date(row.created_at),
    ...(row.last_used_at === null ? {} : { lastUsedAt: new Date(row.last_used_at) }),
    ...(row.revoked_at === null ? {} : { revokedAt: new Date(row.revoked_at) }),
  };
}
