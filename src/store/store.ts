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

  close(): Promise<void>;
}
