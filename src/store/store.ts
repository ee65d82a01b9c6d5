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
export type BuildOutcome = Pick<BuildRecord, "status"> & Partial<Pick<BuildRecord, "fingerprint" | "tag" | "reference" | "digest" | "error" | "log" | "inputs">> & { readonly finishedAt?: Date };

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
  /** The normalized service spec the containers were created from (never secrets in clear). */
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
  finishDeployment(id: number, outcome: { status: Exclude<DeploymentStatus, "running">; error?: string; log?: string; finishedAt?: Date }): Promise<DeploymentRecord>;
  /** Moves a running deployment to another holder (a process resuming an interrupted one). */
  takeOverDeployment(id: number, holder: string): Promise<DeploymentRecord>;
  getDeployment(id: number): Promise<DeploymentRecord | undefined>;
  /** Newest first. */
  listDeployments(options?: { service?: string; environment?: string; status?: DeploymentStatus; limit?: number }): Promise<DeploymentRecord[]>;
  /** Records a step as started and returns it with its sequence number. */
  startStep(deploymentId: number, name: string, detail?: Readonly<Record<string, unknown>>): Promise<DeploymentStep>;
  finishStep(deploymentId: number, seq: number, outcome: { status: Exclude<StepStatus, "started">; error?: string; detail?: Readonly<Record<string, unknown>> }): Promise<DeploymentStep>;
  listSteps(deploymentId: number): Promise<DeploymentStep[]>;

  close(): Promise<void>;
}
