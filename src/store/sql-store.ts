import { randomUUID } from "node:crypto";
import type { StoreEvent } from "./store-events.js";
import type { SecretKeySource } from "./secret-key.js";
import type { SqlDatabase } from "./sql.js";
import { StoreBuilds } from "./store-builds.js";
import { StoreController } from "./store-controller.js";
import { StoreDeployments } from "./store-deployments.js";
import { StoreHeld } from "./store-held.js";
import { StoreInbox } from "./store-inbox.js";
import { FencedDatabase, StoreLeadership } from "./store-leadership.js";
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
  InboxItem,
  LeaderTerm,
  Leadership,
  NewHeldDeploy,
  LockLease,
  NewAuditEntry,
  NewBuild,
  NewDelivery,
  NewDeployment,
  NewRevision,
  NewSession,
  RevisionRecord,
  SessionRecord,
  StepStatus,
  Store,
} from "./store.js";

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
 * The Store, written once over a SqlDatabase: the same statements, transactions and records on
 * SQLite (src/store/sqlite-store.ts) and on PostgreSQL (src/store/postgres-store.ts).
 */
/** The channel controllers announce what they record on (PostgreSQL), for each other's dashboards. */
const CHANGES_CHANNEL = "slipway_changes";

/** An announcement another controller sent, or undefined for one Slipway cannot read (sent by another version). */
function parseAnnouncement(payload: string): { origin: string; event: StoreEvent } | undefined {
  try {
    const parsed = JSON.parse(payload) as { origin?: unknown; event?: { kind?: unknown } };
    if (typeof parsed.origin !== "string" || typeof parsed.event?.kind !== "string") return undefined;
    return { origin: parsed.origin, event: parsed.event as StoreEvent };
  } catch {
    return undefined;
  }
}

export class SqlStore implements Store {
  readonly kind: "sqlite" | "postgres";
  private readonly builds: StoreBuilds;
  private readonly deployments: StoreDeployments;
  private readonly controller: StoreController;
  private readonly held: StoreHeld;
  private readonly leadership: StoreLeadership;
  private readonly inbox: StoreInbox;

  constructor(
    private readonly db: SqlDatabase,
    readonly location: string,
    private readonly keys: SecretKeySource,
    /** Who this store is in its announcements (its fenced views share it): what it announced, it has shown already. */
    private readonly origin: string = `${process.pid}:${randomUUID()}`,
  ) {
    this.kind = db.dialect;
    this.builds = new StoreBuilds(db);
    this.deployments = new StoreDeployments(db, keys);
    this.controller = new StoreController(db);
    this.held = new StoreHeld(db);
    this.leadership = new StoreLeadership(db);
    this.inbox = new StoreInbox(db);
  }

  async schemaVersion(): Promise<number> {
    const row = await this.db.get<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations");
    return row?.v ?? 0;
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const at = entry.at ?? new Date();
    const detail = JSON.stringify(entry.detail);
    const row = await this.db.get<{ id: number }>("INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?) RETURNING id", [
      at.toISOString(),
      entry.actor,
      entry.action,
      entry.subject,
      detail,
    ]);
    return { ...entry, id: Number(row?.id), at, detail: JSON.parse(detail) as Record<string, unknown> };
  }

  async listAudit(options: { subject?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = options.limit ?? 100;
    const rows =
      options.subject === undefined
        ? await this.db.all<AuditRow>("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit])
        : await this.db.all<AuditRow>("SELECT * FROM audit WHERE subject = ? ORDER BY id DESC LIMIT ?", [options.subject, limit]);
    return rows.map(toAuditEntry);
  }

  async acquireLock(name: string, holder: string, leaseMs: number, now = new Date()): Promise<{ acquired: boolean; lease: LockLease }> {
    const expiresAt = new Date(now.getTime() + leaseMs).toISOString();
    // One statement decides: insert, or take over when free, expired or already ours.
    await this.db.run(
      `INSERT INTO locks (name, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE locks.holder = excluded.holder OR locks.expires_at <= ?`,
      [name, holder, expiresAt, now.toISOString()],
    );
    const row = (await this.db.get<LockRow>("SELECT * FROM locks WHERE name = ?", [name])) as LockRow;
    return { acquired: row.holder === holder, lease: toLease(row) };
  }

  async releaseLock(name: string, holder: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM locks WHERE name = ? AND holder = ?", [name, holder])) > 0;
  }

  async claimLeadership(
    name: string,
    holder: string,
    leaseMs: number,
    options: { dead?: string } = {},
  ): Promise<{ acquired: boolean; leadership: Leadership }> {
    return this.leadership.claim(name, holder, leaseMs, options.dead);
  }

  async resignLeadership(term: LeaderTerm): Promise<boolean> {
    return this.leadership.resign(term);
  }

  async getLeadership(name: string): Promise<Leadership | undefined> {
    return this.leadership.get(name);
  }

  fenced(term: LeaderTerm): Store {
    return new SqlStore(new FencedDatabase(this.db, term), this.location, this.keys, this.origin);
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

  async interruptPipelineRuns(controller: string, reason: string, now = new Date()): Promise<number[]> {
    return this.controller.interruptRuns(controller, reason, now);
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

  async interruptJobRuns(controller: string, reason: string, now = new Date()): Promise<number[]> {
    return this.controller.interruptJobRuns(controller, reason, now);
  }

  async listJobRuns(options: { job?: string; limit?: number } = {}): Promise<JobRunRecord[]> {
    return this.controller.listJobRuns(options);
  }

  async createToken(name: string, hash: string, options: { readOnly?: boolean } = {}): Promise<ApiTokenRecord> {
    return this.controller.createToken(name, hash, options);
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

  async createSession(session: NewSession, now = new Date()): Promise<SessionRecord> {
    return this.controller.createSession(session, now);
  }

  async useSession(idHash: string, now = new Date()): Promise<SessionRecord | undefined> {
    return this.controller.useSession(idHash, now);
  }

  async endSession(idHash: string): Promise<boolean> {
    return this.controller.endSession(idHash);
  }

  async acceptDelivery(delivery: NewDelivery, now = new Date()): Promise<boolean> {
    return this.inbox.accept(delivery, now);
  }

  async takeInbox(term: LeaderTerm, limit = 50): Promise<InboxItem[]> {
    return this.inbox.take(term, limit);
  }

  async finishInbox(ids: readonly number[], now = new Date()): Promise<void> {
    await this.inbox.finish(ids, now);
  }

  async listInbox(options: { status?: InboxItem["status"]; limit?: number } = {}): Promise<InboxItem[]> {
    return this.inbox.list(options);
  }

  async watchInbox(wake: (leadership: string) => void): Promise<() => Promise<void>> {
    return this.inbox.watch(wake);
  }

  async announce(event: StoreEvent): Promise<void> {
    if (this.db.dialect !== "postgres") return;
    await this.db.notify(this.db, CHANGES_CHANNEL, JSON.stringify({ origin: this.origin, event }));
  }

  async watchChanges(changed: (event: StoreEvent) => void, options: { pollMs?: number } = {}): Promise<() => Promise<void>> {
    const stopPolling = await this.db.watchForeignWrites(() => changed({ kind: "changed" }), options.pollMs ?? 200);
    const stopListening = await this.db.listen(CHANGES_CHANNEL, (payload) => {
      const announced = parseAnnouncement(payload);
      if (announced !== undefined && announced.origin !== this.origin) changed(announced.event);
    });
    return async () => {
      await stopPolling();
      await stopListening();
    };
  }

  async getWatch(key: string): Promise<{ value: string; checkedAt: Date } | undefined> {
    return this.controller.getWatch(key);
  }

  async setWatch(key: string, value: string, now = new Date()): Promise<void> {
    await this.controller.setWatch(key, value, now);
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
    await this.held.setFreeze(freeze);
  }

  async clearFreeze(environment: string): Promise<boolean> {
    return this.held.clearFreeze(environment);
  }

  async listFreezes(): Promise<FreezeRecord[]> {
    return this.held.listFreezes();
  }

  async close(): Promise<void> {
    await this.db.close();
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
