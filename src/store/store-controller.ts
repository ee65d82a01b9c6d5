import { SlipwayError } from "../errors/index.js";
import { redactText } from "../util/secret.js";
import { whereEqual, type SqlDatabase } from "./sql.js";
import type {
  ApiTokenRecord,
  JobRunRecord,
  JobRunStatus,
  NewJobRun,
  NewPipelineRun,
  NewSession,
  PipelineRunRecord,
  PipelineRunStatus,
  PipelineStep,
  PipelineStepStatus,
  SessionRecord,
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
  controller: string | null;
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
  controller: string | null;
}

interface TokenRow {
  id: number;
  name: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  read_only: number;
}

interface SessionRow {
  id_hash: string;
  token_id: number;
  token_name: string;
  read_only: number;
  created_at: string;
  expires_at: string;
}

/** A session with its token's name and scope; only sessions of tokens that still exist join. */
const SESSION_SELECT = `SELECT s.id_hash, s.token_id, t.name AS token_name, t.read_only, s.created_at, s.expires_at
  FROM sessions s JOIN api_tokens t ON t.id = s.token_id`;

/** The controller's tables: pipeline runs and steps, job runs, API tokens, watch state (webhook deliveries: store-inbox.ts). */
export class StoreController {
  constructor(private readonly db: SqlDatabase) {}

  async startRun(run: NewPipelineRun): Promise<PipelineRunRecord> {
    const row = await this.db.get<RunRow>(
      `INSERT INTO pipeline_runs (environment, source, branch, commit_sha, trigger, status, started_at, controller)
       VALUES (?, ?, ?, ?, ?, 'running', ?, ?) RETURNING *`,
      [run.environment, run.source, run.branch, run.commit, run.trigger, (run.startedAt ?? new Date()).toISOString(), run.controller ?? null],
    );
    return toRun(row as RunRow);
  }

  async finishRun(
    id: number,
    outcome: { status: Exclude<PipelineRunStatus, "running">; error?: string; summary?: Readonly<Record<string, unknown>>; finishedAt?: Date },
  ): Promise<PipelineRunRecord> {
    const row = await this.db.get<RunRow>(
      "UPDATE pipeline_runs SET status = ?, error = ?, summary = COALESCE(?, summary), finished_at = ? WHERE id = ? RETURNING *",
      [
        outcome.status,
        outcome.error === undefined ? null : redactText(outcome.error),
        outcome.summary === undefined ? null : JSON.stringify(outcome.summary),
        (outcome.finishedAt ?? new Date()).toISOString(),
        id,
      ],
    );
    if (!row) throw new SlipwayError("INTERNAL", `pipeline run ${id} does not exist`);
    return toRun(row);
  }

  async interruptRuns(controller: string, reason: string, now: Date): Promise<number[]> {
    return this.interrupt("pipeline_runs", controller, reason, now);
  }

  /** Ends the running rows of `controller` in a table of runs as failed with `reason`; their ids. */
  private async interrupt(table: "pipeline_runs" | "job_runs", controller: string, reason: string, now: Date): Promise<number[]> {
    const rows = await this.db.all<{ id: number }>(
      `UPDATE ${table} SET status = 'failed', error = ?, finished_at = ? WHERE controller = ? AND status = 'running' RETURNING id`,
      [redactText(reason), now.toISOString(), controller],
    );
    return rows.map(({ id }) => id).sort((x, y) => x - y);
  }

  async getRun(id: number): Promise<PipelineRunRecord | undefined> {
    const row = await this.db.get<RunRow>("SELECT * FROM pipeline_runs WHERE id = ?", [id]);
    return row && toRun(row);
  }

  async listRuns(options: { environment?: string; status?: PipelineRunStatus; limit?: number }): Promise<PipelineRunRecord[]> {
    const { where, values } = whereEqual({ environment: options.environment, status: options.status });
    const rows = await this.db.all<RunRow>(`SELECT * FROM pipeline_runs ${where} ORDER BY id DESC LIMIT ?`, [...values, options.limit ?? 50]);
    return rows.map(toRun);
  }

  async startRunStep(runId: number, name: string, detail: Readonly<Record<string, unknown>>): Promise<PipelineStep> {
    const row = await this.db.transaction(async (tx) => {
      const last = await tx.get<{ n: number }>("SELECT COALESCE(MAX(seq), 0) AS n FROM pipeline_steps WHERE run_id = ?", [runId]);
      return tx.get<RunStepRow>("INSERT INTO pipeline_steps (run_id, seq, name, status, detail, started_at) VALUES (?, ?, ?, 'started', ?, ?) RETURNING *", [
        runId,
        (last?.n ?? 0) + 1,
        name,
        JSON.stringify(detail),
        new Date().toISOString(),
      ]);
    });
    return toRunStep(row as RunStepRow);
  }

  async finishRunStep(
    runId: number,
    seq: number,
    outcome: { status: Exclude<PipelineStepStatus, "started">; error?: string; detail?: Readonly<Record<string, unknown>> },
  ): Promise<PipelineStep> {
    const row = await this.db.get<RunStepRow>(
      "UPDATE pipeline_steps SET status = ?, error = ?, detail = COALESCE(?, detail), finished_at = ? WHERE run_id = ? AND seq = ? RETURNING *",
      [
        outcome.status,
        outcome.error === undefined ? null : redactText(outcome.error),
        outcome.detail === undefined ? null : JSON.stringify(outcome.detail),
        new Date().toISOString(),
        runId,
        seq,
      ],
    );
    if (!row) throw new SlipwayError("INTERNAL", `pipeline run ${runId} has no step ${seq}`);
    return toRunStep(row);
  }

  async listRunSteps(runId: number): Promise<PipelineStep[]> {
    return (await this.db.all<RunStepRow>("SELECT * FROM pipeline_steps WHERE run_id = ? ORDER BY seq", [runId])).map(toRunStep);
  }

  async startJobRun(run: NewJobRun): Promise<JobRunRecord> {
    const status = run.status ?? "running";
    const startedAt = (run.startedAt ?? new Date()).toISOString();
    const row = await this.db.get<JobRunRow>(
      "INSERT INTO job_runs (job, trigger, status, image, started_at, finished_at, error, controller) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
      [
        run.job,
        run.trigger,
        status,
        run.image ?? null,
        startedAt,
        status === "skipped" ? startedAt : null,
        run.error === undefined ? null : redactText(run.error),
        run.controller ?? null,
      ],
    );
    return toJobRun(row as JobRunRow);
  }

  async finishJobRun(
    id: number,
    outcome: { status: "succeeded" | "failed"; exitCode?: number; error?: string; image?: string; finishedAt?: Date },
  ): Promise<JobRunRecord> {
    const row = await this.db.get<JobRunRow>(
      "UPDATE job_runs SET status = ?, exit_code = ?, error = ?, image = COALESCE(?, image), finished_at = ? WHERE id = ? RETURNING *",
      [
        outcome.status,
        outcome.exitCode ?? null,
        outcome.error === undefined ? null : redactText(outcome.error),
        outcome.image ?? null,
        (outcome.finishedAt ?? new Date()).toISOString(),
        id,
      ],
    );
    if (!row) throw new SlipwayError("INTERNAL", `job run ${id} does not exist`);
    return toJobRun(row);
  }

  async interruptJobRuns(controller: string, reason: string, now: Date): Promise<number[]> {
    return this.interrupt("job_runs", controller, reason, now);
  }

  async listJobRuns(options: { job?: string; limit?: number }): Promise<JobRunRecord[]> {
    const { where, values } = whereEqual({ job: options.job });
    const rows = await this.db.all<JobRunRow>(`SELECT * FROM job_runs ${where} ORDER BY id DESC LIMIT ?`, [...values, options.limit ?? 50]);
    return rows.map(toJobRun);
  }

  async createToken(name: string, hash: string, options: { readOnly?: boolean } = {}): Promise<ApiTokenRecord> {
    const row = await this.db.get<TokenRow>(
      "INSERT INTO api_tokens (name, hash, created_at, read_only) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING *",
      [name, hash, new Date().toISOString(), options.readOnly === true ? 1 : 0],
    );
    if (row === undefined) {
      throw new SlipwayError("TOKEN_EXISTS", `a token named ${name} already exists`, {
        hint: `choose another name, or revoke it first with: slipway token revoke ${name}`,
      });
    }
    return toToken(row);
  }

  async useToken(hash: string, now: Date): Promise<ApiTokenRecord | undefined> {
    const row = await this.db.get<TokenRow>("UPDATE api_tokens SET last_used_at = ? WHERE hash = ? AND revoked_at IS NULL RETURNING *", [
      now.toISOString(),
      hash,
    ]);
    return row && toToken(row);
  }

  async listTokens(): Promise<ApiTokenRecord[]> {
    return (await this.db.all<TokenRow>("SELECT * FROM api_tokens ORDER BY name")).map(toToken);
  }

  async revokeToken(name: string): Promise<boolean> {
    // A revoked token is deleted: its name is free again and nothing of it remains to match.
    // Its sessions go with it (ON DELETE CASCADE).
    return (await this.db.run("DELETE FROM api_tokens WHERE name = ?", [name])) > 0;
  }

  async createSession(session: NewSession, now: Date): Promise<SessionRecord> {
    await this.db.run("DELETE FROM sessions WHERE expires_at <= ?", [now.toISOString()]);
    const row = await this.db.transaction(async (tx) => {
      const token = await tx.get<{ id: number }>("SELECT id FROM api_tokens WHERE id = ? AND revoked_at IS NULL", [session.tokenId]);
      if (token === undefined) {
        throw new SlipwayError("API_UNAUTHORIZED", `no session is opened for token ${session.tokenId}: there is no such token, or it was revoked`, {
          hint: "sign in again with a live token (slipway token list shows them)",
        });
      }
      const inserted = await tx.get<{ id_hash: string }>(
        "INSERT INTO sessions (id_hash, token_id, created_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (id_hash) DO NOTHING RETURNING id_hash",
        [session.idHash, session.tokenId, now.toISOString(), session.expiresAt.toISOString()],
      );
      if (inserted === undefined) throw new SlipwayError("INTERNAL", "a session with this id already exists: session secrets must be random");
      return tx.get<SessionRow>(`${SESSION_SELECT} WHERE s.id_hash = ?`, [session.idHash]);
    });
    return toSession(row as SessionRow);
  }

  async useSession(idHash: string, now: Date): Promise<SessionRecord | undefined> {
    const at = now.toISOString();
    const row = await this.db.get<SessionRow>(`${SESSION_SELECT} WHERE s.id_hash = ? AND s.expires_at > ? AND t.revoked_at IS NULL`, [idHash, at]);
    if (row === undefined) return undefined;
    // Every dashboard request uses its session: the token's last use is written at most once a minute, not on each.
    const stale = new Date(now.getTime() - 60_000).toISOString();
    await this.db.run("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)", [at, row.token_id, stale]);
    return toSession(row);
  }

  async endSession(idHash: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM sessions WHERE id_hash = ?", [idHash])) > 0;
  }

  async getWatch(key: string): Promise<{ value: string; checkedAt: Date } | undefined> {
    const row = await this.db.get<{ value: string; checked_at: string }>("SELECT value, checked_at FROM watch_state WHERE key = ?", [key]);
    return row && { value: row.value, checkedAt: new Date(row.checked_at) };
  }

  async setWatch(key: string, value: string, now: Date): Promise<void> {
    await this.db.run(
      "INSERT INTO watch_state (key, value, checked_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, checked_at = excluded.checked_at",
      [key, value, now.toISOString()],
    );
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
    ...(row.controller === null ? {} : { controller: row.controller }),
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
    ...(row.controller === null ? {} : { controller: row.controller }),
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
    readOnly: row.read_only === 1,
  };
}

function toSession(row: SessionRow): SessionRecord {
  return {
    idHash: row.id_hash,
    tokenId: row.token_id,
    tokenName: row.token_name,
    readOnly: row.read_only === 1,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}
