import type { StoreEvent } from "./store-events.js";

/**
 * Slipway's persistent state, behind one narrow interface. SQLite (embedded, one file under
 * the state directory) implements it today; PostgreSQL implements the same interface when
 * several controllers share state. Every method is async so a networked store fits.
 */
export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  /** Who acted: a user name, "controller", a token's name. */
  readonly actor: string;
  /** What was done, as a dotted verb: "config.init", "image.push", "deploy.start". */
  readonly action: string;
  /** What it was done to: an image, service, source. */
  readonly subject: string;
  /** Structured detail; never secrets (callers pass Secret values, which serialise redacted). */
  readonly detail: Readonly<Record<string, unknown>>;
}

export type NewAuditEntry = Omit<AuditEntry, "id" | "at"> & { readonly at?: Date };

export interface LockLease {
  readonly name: string;
  readonly holder: string;
  readonly expiresAt: Date;
}

/**
 * Who leads the controllers sharing a store. `epoch` grows by one whenever leadership changes
 * hands (or lapses and is taken again), so a write fenced by an epoch (Store.fenced) can only
 * come from the leader of that term.
 */
export interface Leadership {
  readonly name: string;
  readonly holder: string;
  readonly epoch: number;
  /** When this holder took it (this term's start). */
  readonly since: Date;
  readonly renewedAt: Date;
  readonly expiresAt: Date;
}

/** A term of leadership, as a fenced store checks it. */
export type LeaderTerm = Pick<Leadership, "name" | "holder" | "epoch">;

export type BuildStatus = "running" | "succeeded" | "failed" | "skipped";

/** One attempt to build (and test, and push) one image. */
export interface BuildRecord {
  readonly id: number;
  readonly image: string;
  readonly status: BuildStatus;
  readonly fingerprint?: string;
  /** The tag it was given (e.g. 20180923T082316Z) and the full pushed reference. */
  readonly tag?: string;
  readonly reference?: string;
  readonly digest?: string;
  /** Why it was built, as the planner's reasons. */
  readonly reasons: readonly unknown[];
  /** The fingerprint inputs: definition and sealed commits, parent digest, args, labels. */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly startedAt: Date;
  readonly finishedAt?: Date;
  readonly error?: string;
  /** The build and test output, truncated to its last 64 KiB. */
  readonly log: string;
}

export type NewBuild = Pick<BuildRecord, "image" | "reasons" | "inputs"> & { readonly fingerprint?: string; readonly startedAt?: Date };
export type BuildOutcome = Pick<BuildRecord, "status"> &
  Partial<Pick<BuildRecord, "fingerprint" | "tag" | "reference" | "digest" | "error" | "log" | "inputs">> & { readonly finishedAt?: Date };

export type DeploymentStatus = "running" | "succeeded" | "rolled-back" | "failed";

/** One deployable version of a service in an environment: the image and the full declared spec. */
export interface RevisionRecord {
  readonly service: string;
  readonly environment: string;
  readonly revision: number;
  /** The reference as deployed (tag or digest form) and, when known, its digest and local image id. */
  readonly image: string;
  readonly digest?: string;
  readonly imageId?: string;
  /**
   * The normalized service spec the containers were created from. Stored sealed (encrypted with
   * the secret key, src/store/seal.ts) and unsealed when first read: reading it without the key
   * it was stored with throws SECRET_KEY_MISMATCH; the other fields need no key.
   */
  readonly spec: Readonly<Record<string, unknown>>;
  readonly specHash: string;
  readonly createdAt: Date;
}

export type NewRevision = Omit<RevisionRecord, "revision" | "createdAt"> & { readonly createdAt?: Date };

/** One attempt to move a service in an environment to a revision. */
export interface DeploymentRecord {
  readonly id: number;
  readonly service: string;
  readonly environment: string;
  readonly fromRevision?: number;
  readonly toRevision: number;
  readonly strategy: string;
  /** What started it: "cli", "rollback", "webhook:github", "poll", "resume". */
  readonly trigger: string;
  /** The process that ran it ("host:pid"), to tell a live deployment from an interrupted one. */
  readonly holder: string;
  readonly status: DeploymentStatus;
  readonly startedAt: Date;
  readonly finishedAt?: Date;
  readonly error?: string;
  /** Logs kept with the record: the failed containers' output on a rollback. Last 64 KiB. */
  readonly log: string;
}

export type NewDeployment = Pick<DeploymentRecord, "service" | "environment" | "toRevision" | "strategy" | "trigger" | "holder"> & {
  readonly fromRevision?: number;
  readonly startedAt?: Date;
};

export type StepStatus = "started" | "done" | "failed";

/** A step of a deployment, recorded (status started) before it acts. */
export interface DeploymentStep {
  readonly deploymentId: number;
  readonly seq: number;
  readonly name: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly status: StepStatus;
  readonly startedAt: Date;
  readonly finishedAt?: Date;
  readonly error?: string;
}

export type PipelineRunStatus = "running" | "succeeded" | "failed" | "cancelled";

/** One run of an environment's pipeline: plan, build, test, push, deploy for one commit. */
export interface PipelineRunRecord {
  readonly id: number;
  readonly environment: string;
  readonly source: string;
  readonly branch: string;
  readonly commit: string;
  /** What started it: "webhook:github", "poll", "cli", "api". */
  readonly trigger: string;
  readonly status: PipelineRunStatus;
  readonly startedAt: Date;
  readonly finishedAt?: Date;
  readonly error?: string;
  /** What it did: images built, services deployed, why it was cancelled. */
  readonly summary: Readonly<Record<string, unknown>>;
  /** The controller (`slipway serve`, host:pid:random) that runs it; none for `slipway pipeline run`. */
  readonly controller?: string;
}

export type NewPipelineRun = Pick<PipelineRunRecord, "environment" | "source" | "branch" | "commit" | "trigger"> & {
  readonly startedAt?: Date;
  readonly controller?: string;
};

export type PipelineStepStatus = "started" | "done" | "failed" | "skipped";

export interface PipelineStep {
  readonly runId: number;
  readonly seq: number;
  readonly name: string;
  readonly status: PipelineStepStatus;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly startedAt: Date;
  readonly finishedAt?: Date;
  readonly error?: string;
}

export type JobRunStatus = "running" | "succeeded" | "failed" | "skipped";

/** One run of a scheduled job (or a one-off `slipway job run`). */
export interface JobRunRecord {
  readonly id: number;
  readonly job: string;
  /** "schedule", "cli", "api", "launcher". */
  readonly trigger: string;
  readonly status: JobRunStatus;
  /** The image reference the run used. */
  readonly image?: string;
  readonly exitCode?: number;
  readonly startedAt: Date;
  readonly finishedAt?: Date;
  readonly error?: string;
  /** The controller that ran it; none for `slipway job run` and the launcher. */
  readonly controller?: string;
}

export type NewJobRun = Pick<JobRunRecord, "job" | "trigger"> & {
  readonly controller?: string;
  readonly status?: "running" | "skipped";
  readonly image?: string;
  readonly startedAt?: Date;
  readonly error?: string;
};

/** An API token; only its SHA-256 hash is stored. */
export interface ApiTokenRecord {
  readonly id: number;
  readonly name: string;
  readonly hash: string;
  readonly createdAt: Date;
  readonly lastUsedAt?: Date;
  readonly revokedAt?: Date;
  /** A read-only token sees (GET, HEAD) and cannot act. */
  readonly readOnly: boolean;
}

/** A signed-in dashboard session, bound to the token it was opened with. */
export interface SessionRecord {
  /** The SHA-256 (hex) of the session's secret; the secret itself is never stored. */
  readonly idHash: string;
  readonly tokenId: number;
  readonly tokenName: string;
  /** The token's scope, as it is now. */
  readonly readOnly: boolean;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface NewSession {
  readonly idHash: string;
  readonly tokenId: number;
  readonly expiresAt: Date;
}

/**
 * A deploy held by its environment's policy (approvals, maintenance windows, a freeze): queued
 * with the image it will deploy, run when the gate opens, or stopped (rejected, expired,
 * superseded by a newer request, cancelled).
 */
export type HeldStatus = "waiting" | "running" | "succeeded" | "failed" | "rejected" | "expired" | "superseded" | "cancelled";

export interface HeldVerdict {
  readonly actor: string;
  readonly verdict: "approve" | "reject";
  readonly reason?: string;
  readonly at: Date;
}

export interface HeldDeployRecord {
  readonly id: number;
  readonly service: string;
  readonly environment: string;
  /** The image it deploys, resolved when it was requested (a digest for updates and promotions). */
  readonly image: string;
  /** "cli", "api", "promote:test1", "pipeline:12", "auto-update" */
  readonly trigger: string;
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly status: HeldStatus;
  /** When it lapses unless approved. */
  readonly deadline?: Date;
  /** The request's options (force, replicas, urgent reason, the promotion's source). */
  readonly detail: Readonly<Record<string, unknown>>;
  readonly verdicts: readonly HeldVerdict[];
  readonly finishedAt?: Date;
  /** The deployment it ran, once it ran. */
  readonly deployment?: number;
  /** Why it failed, was stopped or superseded. */
  readonly error?: string;
}

export type NewHeldDeploy = Pick<HeldDeployRecord, "service" | "environment" | "image" | "trigger" | "requestedBy" | "detail"> & {
  readonly deadline?: Date;
  readonly requestedAt?: Date;
};

export interface FreezeRecord {
  readonly environment: string;
  readonly until: Date;
  readonly reason: string;
  readonly by: string;
  readonly at: Date;
}

/**
 * A webhook delivery accepted by any controller, waiting for the leader of `leadership` to act
 * on its hints (queued), being acted on (taken, by a term), or acted on (done). Items a term took
 * and did not finish are taken again by the next term.
 */
export interface InboxItem {
  readonly id: number;
  readonly provider: string;
  readonly deliveryId: string;
  readonly leadership: string;
  readonly event: string;
  /** The delivery's hints as the webhook parsed them (src/webhooks/types.ts). */
  readonly hints: readonly unknown[];
  readonly receivedBy: string;
  readonly receivedAt: Date;
  readonly status: "queued" | "taken" | "done";
  readonly takenBy?: string;
  readonly takenEpoch?: number;
  readonly doneAt?: Date;
}

export type NewDelivery = Pick<InboxItem, "provider" | "deliveryId" | "event" | "hints" | "receivedBy"> & {
  /** Queue its hints for this leadership's leader; without it, the delivery is only recorded (the caller acts on it). */
  readonly queueFor?: string;
};

export interface Store {
  readonly kind: "sqlite" | "postgres";
  /** Where the state lives, for people: a file path or a redacted URL. */
  readonly location: string;
  /** The schema version after migrations ran. */
  schemaVersion(): Promise<number>;

  /** Appends to the audit log; entries are never updated or deleted. */
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  listAudit(options?: { subject?: string; limit?: number }): Promise<AuditEntry[]>;

  /**
   * Takes the named lock for `holder` for `leaseMs`, or renews it when `holder` already has it.
   * Returns the lease, or the current other holder's lease when the lock is taken.
   * An expired lease is free to take: a killed process never holds a lock forever.
   */
  acquireLock(name: string, holder: string, leaseMs: number, now?: Date): Promise<{ acquired: boolean; lease: LockLease }>;
  releaseLock(name: string, holder: string): Promise<boolean>;

  /**
   * Takes leadership `name` for `holder` for `leaseMs`, or renews it when `holder` holds it and
   * its lease has not run out; a lease that ran out is taken by whoever asks first, with the next
   * epoch. Timed by the database's clock. `dead` names a holder known to have died (a process of
   * this host that is gone): its lease counts as run out. Returns the leadership as it now stands.
   */
  claimLeadership(name: string, holder: string, leaseMs: number, options?: { dead?: string }): Promise<{ acquired: boolean; leadership: Leadership }>;
  /** Ends `term` now (a graceful stop), so another controller takes over without waiting; false when it had already ended. */
  resignLeadership(term: LeaderTerm): Promise<boolean>;
  getLeadership(name: string): Promise<Leadership | undefined>;
  /**
   * This store, with every write made only while `term` holds: checked in the write's own
   * transaction against the database's clock, so a leader that was paused or cut off past its
   * lease writes nothing (LEADERSHIP_LOST), even before another has taken over. Reads are not checked.
   */
  fenced(term: LeaderTerm): Store;

  /** Records a build before it starts (status running); finishBuild records its outcome. */
  startBuild(build: NewBuild): Promise<BuildRecord>;
  finishBuild(id: number, outcome: BuildOutcome): Promise<BuildRecord>;
  /** Newest first; `image` narrows to one image, `status` to one outcome. */
  listBuilds(options?: { image?: string; status?: BuildStatus; limit?: number }): Promise<BuildRecord[]>;

  /** Saves a new revision with the next number for its service and environment. */
  saveRevision(revision: NewRevision): Promise<RevisionRecord>;
  getRevision(service: string, environment: string, revision: number): Promise<RevisionRecord | undefined>;
  /** Newest first. */
  listRevisions(service: string, environment: string, options?: { limit?: number }): Promise<RevisionRecord[]>;

  startDeployment(deployment: NewDeployment): Promise<DeploymentRecord>;
  finishDeployment(
    id: number,
    outcome: { status: Exclude<DeploymentStatus, "running">; error?: string; log?: string; finishedAt?: Date },
  ): Promise<DeploymentRecord>;
  /** Moves a running deployment to another holder (a process resuming an interrupted one). */
  takeOverDeployment(id: number, holder: string): Promise<DeploymentRecord>;
  getDeployment(id: number): Promise<DeploymentRecord | undefined>;
  /** Newest first. */
  listDeployments(options?: { service?: string; environment?: string; status?: DeploymentStatus; limit?: number }): Promise<DeploymentRecord[]>;
  /** Records a step as started and returns it with its sequence number. */
  startStep(deploymentId: number, name: string, detail?: Readonly<Record<string, unknown>>): Promise<DeploymentStep>;
  finishStep(
    deploymentId: number,
    seq: number,
    outcome: { status: Exclude<StepStatus, "started">; error?: string; detail?: Readonly<Record<string, unknown>> },
  ): Promise<DeploymentStep>;
  listSteps(deploymentId: number): Promise<DeploymentStep[]>;

  startPipelineRun(run: NewPipelineRun): Promise<PipelineRunRecord>;
  finishPipelineRun(
    id: number,
    outcome: { status: Exclude<PipelineRunStatus, "running">; error?: string; summary?: Readonly<Record<string, unknown>>; finishedAt?: Date },
  ): Promise<PipelineRunRecord>;
  getPipelineRun(id: number): Promise<PipelineRunRecord | undefined>;
  /** Ends as failed, with `reason`, the runs `controller` left running (it died or lost leadership); their ids. */
  interruptPipelineRuns(controller: string, reason: string, now?: Date): Promise<number[]>;
  /** Newest first. */
  listPipelineRuns(options?: { environment?: string; status?: PipelineRunStatus; limit?: number }): Promise<PipelineRunRecord[]>;
  startPipelineStep(runId: number, name: string, detail?: Readonly<Record<string, unknown>>): Promise<PipelineStep>;
  finishPipelineStep(
    runId: number,
    seq: number,
    outcome: { status: Exclude<PipelineStepStatus, "started">; error?: string; detail?: Readonly<Record<string, unknown>> },
  ): Promise<PipelineStep>;
  listPipelineSteps(runId: number): Promise<PipelineStep[]>;

  startJobRun(run: NewJobRun): Promise<JobRunRecord>;
  finishJobRun(
    id: number,
    outcome: { status: "succeeded" | "failed"; exitCode?: number; error?: string; image?: string; finishedAt?: Date },
  ): Promise<JobRunRecord>;
  /** Ends as failed, with `reason`, the runs `controller` left running (it died or lost leadership); their ids. */
  interruptJobRuns(controller: string, reason: string, now?: Date): Promise<number[]>;
  /** Newest first. */
  listJobRuns(options?: { job?: string; limit?: number }): Promise<JobRunRecord[]>;

  /** Stores a new token's hash under a unique name (read-only when asked); refuses a name in use (TOKEN_EXISTS). */
  createToken(name: string, hash: string, options?: { readOnly?: boolean }): Promise<ApiTokenRecord>;
  /** The live (not revoked) token with this hash, its last use updated. */
  useToken(hash: string, now?: Date): Promise<ApiTokenRecord | undefined>;
  listTokens(): Promise<ApiTokenRecord[]>;
  /** Deletes the token, and with it its sessions; false when there was none of that name. */
  revokeToken(name: string): Promise<boolean>;

  /**
   * Opens a session for a live token (expired sessions are pruned here). Refuses a token that is
   * unknown or revoked (API_UNAUTHORIZED), and an id hash already in use (INTERNAL).
   */
  createSession(session: NewSession, now?: Date): Promise<SessionRecord>;
  /** The session with this id hash while it has not expired and its token is not revoked (revoking a token ends its sessions); the token's last use is updated (at most once a minute: every dashboard request uses its session). */
  useSession(idHash: string, now?: Date): Promise<SessionRecord | undefined>;
  /** Ends a session (sign-out); false when there was none. */
  endSession(idHash: string): Promise<boolean>;

  /**
   * Records a webhook delivery's id (a week of them are kept) and, with `queueFor`, puts it in the
   * inbox, in one transaction: false (and nothing queued) when the id was seen before, a
   * re-delivery. Every controller sharing the store is woken (watchInbox).
   */
  acceptDelivery(delivery: NewDelivery, now?: Date): Promise<boolean>;
  /** Takes the waiting items of `term`'s leadership, oldest first: queued ones and those an earlier term took and did not finish. */
  takeInbox(term: LeaderTerm, limit?: number): Promise<InboxItem[]>;
  finishInbox(ids: readonly number[], now?: Date): Promise<void>;
  /** Newest first. */
  listInbox(options?: { status?: InboxItem["status"]; limit?: number }): Promise<InboxItem[]>;
  /** Calls `wake` when a controller queues an item (PostgreSQL: LISTEN/NOTIFY); on SQLite never, the leader polls. Resolves with a stop function. */
  watchInbox(wake: (leadership: string) => void): Promise<() => Promise<void>>;

  /**
   * Tells the other controllers sharing this store what this one just recorded (PostgreSQL
   * NOTIFY), so their dashboards show it live; on SQLite nothing (others see the file change).
   */
  announce(event: StoreEvent): Promise<void>;
  /**
   * Calls `changed` with what other processes record: on PostgreSQL the events other controllers
   * announce; on SQLite `{ kind: "changed" }` soon after another process wrote (checked every
   * `pollMs`, default 200). Resolves with a stop function.
   */
  watchChanges(changed: (event: StoreEvent) => void, options?: { pollMs?: number }): Promise<() => Promise<void>>;

  /** Last-seen values of watched things (a source's head, a tag's digest), by key. */
  getWatch(key: string): Promise<{ value: string; checkedAt: Date } | undefined>;
  setWatch(key: string, value: string, now?: Date): Promise<void>;

  /** Queues a held deploy; the waiting ones of the same service and environment are superseded by it (their ids returned). */
  holdDeploy(held: NewHeldDeploy): Promise<{ held: HeldDeployRecord; superseded: number[] }>;
  getHeld(id: number): Promise<HeldDeployRecord | undefined>;
  /** Supersedes the waiting held deploys of a service in an environment (a deploy of it ran at once); their ids. */
  supersedeWaiting(service: string, environment: string, reason: string, now?: Date): Promise<number[]>;
  /** Newest first. */
  listHeld(options?: { status?: HeldStatus; service?: string; environment?: string; limit?: number }): Promise<HeldDeployRecord[]>;
  /** Records one person's verdict on a waiting held deploy (a second from the same person replaces the first); HELD_NOT_WAITING when it is no longer waiting. */
  addVerdict(id: number, verdict: HeldVerdict): Promise<HeldDeployRecord>;
  /** Moves a waiting held deploy to running; false when another process took it or it stopped waiting. */
  claimHeld(id: number): Promise<boolean>;
  /** Ends a held deploy: run (succeeded, failed), or stopped while waiting (rejected, expired, cancelled). */
  finishHeld(
    id: number,
    outcome: { status: Exclude<HeldStatus, "waiting" | "running">; deployment?: number; error?: string; finishedAt?: Date },
  ): Promise<HeldDeployRecord>;

  /** Freezes an environment until a time (replacing an earlier freeze of it); clearFreeze ends it. */
  setFreeze(freeze: FreezeRecord): Promise<void>;
  clearFreeze(environment: string): Promise<boolean>;
  listFreezes(): Promise<FreezeRecord[]>;

  close(): Promise<void>;
}
