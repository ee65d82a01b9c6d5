import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { SlipwayError } from "../errors/index.js";
import { migrations, type Migration } from "./migrations.js";
import { ephemeralKeySource, secretKeySource, type SecretKeySource } from "./secret-key.js";
import { SqliteBuilds } from "./sqlite-builds.js";
import { SqliteController } from "./sqlite-controller.js";
import { SqliteHeld } from "./sqlite-held.js";
import { SqliteDeployments } from "./sqlite-deployments.js";
import type {
  ApiTokenRecord,
  AuditEntry,
  JobRunRecord,
  NewJobRun,
  NewPipelineRun,
  PipelineRunRecord,
  PipelineRunStatus,
  PipelineStep,
  PipelineStepStatus,
  BuildOutcome,
  BuildRecord,
  BuildStatus,
  DeploymentRecord,
  DeploymentStatus,
  DeploymentStep,
  FreezeRecord,
  HeldDeployRecord,
  HeldStatus,
  HeldVerdict,
  NewHeldDeploy,
  LockLease,
  NewAuditEntry,
  NewBuild,
  NewDeployment,
  NewRevision,
  RevisionRecord,
  StepStatus,
  Store,
} from "./store.js";

type Db = Database.Database;

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: string;
}

interface LockRow {
  name: string;
  holder: string;
  expires_at: string;
}

/**
 * Opens (creating if needed) the SQLite store at `file` and brings its schema up to date.
 * Revision specs are sealed with `keys`; default: SLIPWAY_SECRET_KEY, else secret.key beside
 * the file (an in-memory store gets a key of its own that dies with it).
 */
export function openSqliteStore(file: string, options: { keys?: SecretKeySource } = {}): Store {
  const keys = options.keys ?? (file === ":memory:" ? ephemeralKeySource() : secretKeySource({ stateDir: dirname(file) }));
  const db = openDatabase(file);
  migrate(db, migrations);
  const store = new SqliteStore(db, file, keys);
  store.sealPlainRevisions();
  return store;
}

function openDatabase(file: string): Db {
  try {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    // Overwritten and deleted values are zeroed on disk, not left in free space.
    db.pragma("secure_delete = ON");
    return db;
  } catch (error) {
    throw new SlipwayError("STORE_FAILED", `cannot open the state store ${file}: ${(error as Error).message}`, {
      hint: "check that the state directory exists and is writable, or choose another with --state-dir",
      cause: error,
    });
  }
}

export function migrate(db: Db, list: readonly Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
  const current = applied.v ?? 0;
  const known = list.at(-1)?.version ?? 0;
  if (current > known) {
    throw new SlipwayError("STORE_FAILED", `the state store has schema version ${current}, newer than this Slipway knows (${known})`, {
      hint: "upgrade Slipway, or point --state-dir at another directory",
    });
  }
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const migration of list.filter((m) => m.version > current)) {
    db.transaction(() => {
      db.exec(migration.sqlite);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
  }
  return Math.max(current, known);
}

class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  private readonly builds: SqliteBuilds;
  private readonly deployments: SqliteDeployments;
  private readonly controller: SqliteController;
  private readonly held: SqliteHeld;

  constructor(
    private readonly db: Db,
    readonly location: string,
    keys: SecretKeySource,
  ) {
    this.builds = new SqliteBuilds(db);
    this.deployments = new SqliteDeployments(db, keys);
    this.controller = new SqliteController(db);
    this.held = new SqliteHeld(db);
  }

  /** Seals what an older Slipway stored in clear, then checkpoints so neither the file nor its WAL keeps the clear pages. */
  sealPlainRevisions(): void {
    if (this.deployments.sealPlainRevisions() === 0) return;
    this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  async schemaVersion(): Promise<number> {
    const row = this.db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
    return row.v ?? 0;
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const at = entry.at ?? new Date();
    const detail = JSON.stringify(entry.detail);
    const result = this.db
      .prepare("INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)")
      .run(at.toISOString(), entry.actor, entry.action, entry.subject, detail);
    return { ...entry, id: Number(result.lastInsertRowid), at, detail: JSON.parse(detail) as Record<string, unknown> };
  }

  async listAudit(options: { subject?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = options.limit ?? 100;
    const rows = (
      options.subject === undefined
        ? this.db.prepare("SELECT * FROM audit ORDER BY id DESC LIMIT ?").all(limit)
        : this.db.prepare("SELECT * FROM audit WHERE subject = ? ORDER BY id DESC LIMIT ?").all(options.subject, limit)
    ) as AuditRow[];
    return rows.map(toAuditEntry);
  }

  async acquireLock(name: string, holder: string, leaseMs: number, now = new Date()): Promise<{ acquired: boolean; lease: LockLease }> {
    const expiresAt = new Date(now.getTime() + leaseMs).toISOString();
    // One statement decides: insert, or take over when free, expired or already ours.
    this.db
      .prepare(
        `INSERT INTO locks (name, holder, expires_at) VALUES (@name, @holder, @expiresAt)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE locks.holder = excluded.holder OR locks.expires_at <= @now`,
      )
      .run({ name, holder, expiresAt, now: now.toISOString() });
    const row = this.db.prepare("SELECT * FROM locks WHERE name = ?").get(name) as LockRow;
    return { acquired: row.holder === holder, lease: toLease(row) };
  }

  async releaseLock(name: string, holder: string): Promise<boolean> {
    return this.db.prepare("DELETE FROM locks WHERE name = ? AND holder = ?").run(name, holder).changes > 0;
  }

  async startBuild(build: NewBuild): Promise<BuildRecord> {
    return this.builds.start(build);
  }

  async finishBuild(id: number, outcome: BuildOutcome): Promise<BuildRecord> {
    return this.builds.finish(id, outcome);
  }

  async listBuilds(options: { image?: string; status?: BuildStatus; limit?: number } = {}): Promise<BuildRecord[]> {
    return this.builds.list(options);
  }

  async saveRevision(revision: NewRevision): Promise<RevisionRecord> {
    return this.deployments.saveRevision(revision);
  }

  async getRevision(service: string, environment: string, revision: number): Promise<RevisionRecord | undefined> {
    return this.deployments.getRevision(service, environment, revision);
  }

  async listRevisions(service: string, environment: string, options: { limit?: number } = {}): Promise<RevisionRecord[]> {
    return this.deployments.listRevisions(service, environment, options.limit ?? 50);
  }

  async startDeployment(deployment: NewDeployment): Promise<DeploymentRecord> {
    return this.deployments.startDeployment(deployment);
  }

  async finishDeployment(
    id: number,
    outcome: { status: Exclude<DeploymentStatus, "running">; error?: string; log?: string; finishedAt?: Date },
  ): Promise<DeploymentRecord> {
    return this.deployments.finishDeployment(id, outcome);
  }

  async takeOverDeployment(id: number, holder: string): Promise<DeploymentRecord> {
    return this.deployments.takeOver(id, holder);
  }

  async getDeployment(id: number): Promise<DeploymentRecord | undefined> {
    return this.deployments.getDeployment(id);
  }

  async listDeployments(options: { service?: string; environment?: string; status?: DeploymentStatus; limit?: number } = {}): Promise<DeploymentRecord[]> {
    return this.deployments.listDeployments(options);
  }

  async startStep(deploymentId: number, name: string, detail: Readonly<Record<string, unknown>> = {}): Promise<DeploymentStep> {
    return this.deployments.startStep(deploymentId, name, detail);
  }

  async finishStep(
    deploymentId: number,
    seq: number,
    outcome: { status: Exclude<StepStatus, "started">; error?: string; detail?: Readonly<Record<string, unknown>> },
  ): Promise<DeploymentStep> {
    return this.deployments.finishStep(deploymentId, seq, outcome);
  }

  async listSteps(deploymentId: number): Promise<DeploymentStep[]> {
    return this.deployments.listSteps(deploymentId);
  }

  async startPipelineRun(run: NewPipelineRun): Promise<PipelineRunRecord> {
    return this.controller.startRun(run);
  }

  async finishPipelineRun(
    id: number,
    outcome: { status: Exclude<PipelineRunStatus, "running">; error?: string; summary?: Readonly<Record<string, unknown>>; finishedAt?: Date },
  ): Promise<PipelineRunRecord> {
    return this.controller.finishRun(id, outcome);
  }

  async getPipelineRun(id: number): Promise<PipelineRunRecord | undefined> {
    return this.controller.getRun(id);
  }

  async listPipelineRuns(options: { environment?: string; status?: PipelineRunStatus; limit?: number } = {}): Promise<PipelineRunRecord[]> {
    return this.controller.listRuns(options);
  }

  async startPipelineStep(runId: number, name: string, detail: Readonly<Record<string, unknown>> = {}): Promise<PipelineStep> {
    return this.controller.startRunStep(runId, name, detail);
  }

  async finishPipelineStep(
    runId: number,
    seq: number,
    outcome: { status: Exclude<PipelineStepStatus, "started">; error?: string; detail?: Readonly<Record<string, unknown>> },
  ): Promise<PipelineStep> {
    return this.controller.finishRunStep(runId, seq, outcome);
  }

  async listPipelineSteps(runId: number): Promise<PipelineStep[]> {
    return this.controller.listRunSteps(runId);
  }

  async startJobRun(run: NewJobRun): Promise<JobRunRecord> {
    return this.controller.startJobRun(run);
  }

  async finishJobRun(
    id: number,
    outcome: { status: "succeeded" | "failed"; exitCode?: number; error?: string; image?: string; finishedAt?: Date },
  ): Promise<JobRunRecord> {
    return this.controller.finishJobRun(id, outcome);
  }

  async listJobRuns(options: { job?: string; limit?: number } = {}): Promise<JobRunRecord[]> {
    return this.controller.listJobRuns(options);
  }

  async createToken(name: string, hash: string): Promise<ApiTokenRecord> {
    return this.controller.createToken(name, hash);
  }

  async useToken(hash: string, now = new Date()): Promise<ApiTokenRecord | undefined> {
    return this.controller.useToken(hash, now);
  }

  async listTokens(): Promise<ApiTokenRecord[]> {
    return this.controller.listTokens();
  }

  async revokeToken(name: string): Promise<boolean> {
    return this.controller.revokeToken(name);
  }

  async recordDelivery(provider: string, deliveryId: string, now = new Date()): Promise<boolean> {
    return this.controller.recordDelivery(provider, deliveryId, now);
  }

  async getWatch(key: string): Promise<{ value: string; checkedAt: Date } | undefined> {
    return this.controller.getWatch(key);
  }

  async setWatch(key: string, value: string, now = new Date()): Promise<void> {
    this.controller.setWatch(key, value, now);
  }

  async holdDeploy(held: NewHeldDeploy): Promise<{ held: HeldDeployRecord; superseded: number[] }> {
    return this.held.hold(held);
  }

  async getHeld(id: number): Promise<HeldDeployRecord | undefined> {
    return this.held.get(id);
  }

  async supersedeWaiting(service: string, environment: string, reason: string, now = new Date()): Promise<number[]> {
    return this.held.supersedeWaiting(service, environment, reason, now);
  }

  async listHeld(options: { status?: HeldStatus; service?: string; environment?: string; limit?: number } = {}): Promise<HeldDeployRecord[]> {
    return this.held.list(options);
  }

  async addVerdict(id: number, verdict: HeldVerdict): Promise<HeldDeployRecord> {
    return this.held.addVerdict(id, verdict);
  }

  async claimHeld(id: number): Promise<boolean> {
    return this.held.claim(id);
  }

  async finishHeld(
    id: number,
    outcome: { status: Exclude<HeldStatus, "waiting" | "running">; deployment?: number; error?: string; finishedAt?: Date },
  ): Promise<HeldDeployRecord> {
    return this.held.finish(id, outcome);
  }

  async setFreeze(freeze: FreezeRecord): Promise<void> {
    this.held.setFreeze(freeze);
  }

  async clearFreeze(environment: string): Promise<boolean> {
    return this.held.clearFreeze(environment);
  }

  async listFreezes(): Promise<FreezeRecord[]> {
    return this.held.listFreezes();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: new Date(row.at),
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}

function toLease(row: LockRow): LockLease {
  return { name: row.name, holder: row.holder, expiresAt: new Date(row.expires_at) };
}
