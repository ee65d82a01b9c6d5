import type Database from "better-sqlite3";
import { redactText } from "../util/secret.js";
import { isSealed } from "./seal.js";
import { sealSpec, unsealSpec } from "./revision-sealing.js";
import type { SecretKeySource } from "./secret-key.js";
import type { DeploymentRecord, DeploymentStatus, DeploymentStep, NewDeployment, NewRevision, RevisionRecord, StepStatus } from "./store.js";

const LOG_LIMIT = 64 * 1024;

interface RevisionRow {
  service: string;
  environment: string;
  revision: number;
  image: string;
  digest: string | null;
  image_id: string | null;
  spec: string;
  spec_hash: string;
  created_at: string;
}

interface DeploymentRow {
  id: number;
  service: string;
  environment: string;
  from_revision: number | null;
  to_revision: number;
  strategy: string;
  trigger: string;
  holder: string;
  status: DeploymentStatus;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  log: string;
}

interface StepRow {
  deployment_id: number;
  seq: number;
  name: string;
  detail: string;
  status: StepStatus;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

/** Revisions (their specs sealed), deployments and their steps. Steps are inserted before they act. */
export class SqliteDeployments {
  constructor(
    private readonly db: Database.Database,
    private readonly keys: SecretKeySource,
  ) {}

  saveRevision(revision: NewRevision): RevisionRecord {
    const insert = this.db.transaction(() => {
      const row = this.db
        .prepare("SELECT COALESCE(MAX(revision), 0) AS n FROM revisions WHERE service = ? AND environment = ?")
        .get(revision.service, revision.environment) as { n: number };
      const next = row.n + 1;
      this.db
        .prepare(
          `INSERT INTO revisions (service, environment, revision, image, digest, image_id, spec, spec_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          revision.service,
          revision.environment,
          next,
          revision.image,
          revision.digest ?? null,
          revision.imageId ?? null,
          sealSpec(revision.spec, this.keys, { service: revision.service, environment: revision.environment, revision: next }),
          revision.specHash,
          (revision.createdAt ?? new Date()).toISOString(),
        );
      return next;
    });
    const number = insert.immediate();
    const saved = this.getRevision(revision.service, revision.environment, number);
    if (saved === undefined) throw new Error(`revision ${number} of ${revision.service} vanished after insert`);
    return saved;
  }

  getRevision(service: string, environment: string, revision: number): RevisionRecord | undefined {
    const row = this.db.prepare("SELECT * FROM revisions WHERE service = ? AND environment = ? AND revision = ?").get(service, environment, revision) as
      RevisionRow | undefined;
    return row === undefined ? undefined : toRevision(row, this.keys);
  }

  listRevisions(service: string, environment: string, limit: number): RevisionRecord[] {
    const rows = this.db
      .prepare("SELECT * FROM revisions WHERE service = ? AND environment = ? ORDER BY revision DESC LIMIT ?")
      .all(service, environment, limit) as RevisionRow[];
    return rows.map((row) => toRevision(row, this.keys));
  }

  /**
   * Seals the specs a Slipway before sealing stored in clear, and returns how many. The
   * caller then checkpoints the WAL (src/store/sqlite-store.ts), so no old page keeps them.
   */
  sealPlainRevisions(): number {
    const rows = (this.db.prepare("SELECT service, environment, revision, spec FROM revisions").all() as RevisionRow[]).filter((row) => !isSealed(row.spec));
    if (rows.length === 0) return 0;
    const update = this.db.prepare("UPDATE revisions SET spec = ? WHERE service = ? AND environment = ? AND revision = ?");
    this.db.transaction(() => {
      for (const row of rows) {
        const spec = JSON.parse(row.spec) as Record<string, unknown>;
        update.run(sealSpec(spec, this.keys, row), row.service, row.environment, row.revision);
      }
    })();
    return rows.length;
  }

  startDeployment(deployment: NewDeployment): DeploymentRecord {
    const result = this.db
      .prepare(
        `INSERT INTO deployments (service, environment, from_revision, to_revision, strategy, trigger, holder, status, started_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
      )
      .run(
        deployment.service,
        deployment.environment,
        deployment.fromRevision ?? null,
        deployment.toRevision,
        deployment.strategy,
        deployment.trigger,
        deployment.holder,
        (deployment.startedAt ?? new Date()).toISOString(),
      );
    return this.mustGetDeployment(Number(result.lastInsertRowid));
  }

  finishDeployment(id: number, outcome: { status: Exclude<DeploymentStatus, "running">; error?: string; log?: string; finishedAt?: Date }): DeploymentRecord {
    this.db
      .prepare("UPDATE deployments SET status = ?, error = ?, log = COALESCE(?, log), finished_at = ? WHERE id = ?")
      .run(
        outcome.status,
        outcome.error === undefined ? null : redactText(outcome.error),
        outcome.log === undefined ? null : redactText(outcome.log.slice(-LOG_LIMIT)),
        (outcome.finishedAt ?? new Date()).toISOString(),
        id,
      );
    return this.mustGetDeployment(id);
  }

  takeOver(id: number, holder: string): DeploymentRecord {
    this.db.prepare("UPDATE deployments SET holder = ? WHERE id = ?").run(holder, id);
    return this.mustGetDeployment(id);
  }

  getDeployment(id: number): DeploymentRecord | undefined {
    const row = this.db.prepare("SELECT * FROM deployments WHERE id = ?").get(id) as DeploymentRow | undefined;
    return row === undefined ? undefined : toDeployment(row);
  }

  listDeployments(options: { service?: string; environment?: string; status?: DeploymentStatus; limit?: number }): DeploymentRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM deployments
         WHERE (@service IS NULL OR service = @service) AND (@environment IS NULL OR environment = @environment)
           AND (@status IS NULL OR status = @status)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        service: options.service ?? null,
        environment: options.environment ?? null,
        status: options.status ?? null,
        limit: options.limit ?? 50,
      }) as DeploymentRow[];
    return rows.map(toDeployment);
  }

  startStep(deploymentId: number, name: string, detail: Readonly<Record<string, unknown>>): DeploymentStep {
    const insert = this.db.transaction(() => {
      const row = this.db.prepare("SELECT COALESCE(MAX(seq), 0) AS n FROM deployment_steps WHERE deployment_id = ?").get(deploymentId) as { n: number };
      const seq = row.n + 1;
      this.db
        .prepare("INSERT INTO deployment_steps (deployment_id, seq, name, detail, status, started_at) VALUES (?, ?, ?, ?, 'started', ?)")
        .run(deploymentId, seq, name, JSON.stringify(detail), new Date().toISOString());
      return seq;
    });
    return this.getStep(deploymentId, insert.immediate());
  }

  finishStep(
    deploymentId: number,
    seq: number,
    outcome: { status: Exclude<StepStatus, "started">; error?: string; detail?: Readonly<Record<string, unknown>> },
  ): DeploymentStep {
    this.db
      .prepare("UPDATE deployment_steps SET status = ?, error = ?, detail = COALESCE(?, detail), finished_at = ? WHERE deployment_id = ? AND seq = ?")
      .run(
        outcome.status,
        outcome.error === undefined ? null : redactText(outcome.error),
        outcome.detail === undefined ? null : JSON.stringify(outcome.detail),
        new Date().toISOString(),
        deploymentId,
        seq,
      );
    return this.getStep(deploymentId, seq);
  }

  listSteps(deploymentId: number): DeploymentStep[] {
    const rows = this.db.prepare("SELECT * FROM deployment_steps WHERE deployment_id = ? ORDER BY seq").all(deploymentId) as StepRow[];
    return rows.map(toStep);
  }

  private getStep(deploymentId: number, seq: number): DeploymentStep {
    return toStep(this.db.prepare("SELECT * FROM deployment_steps WHERE deployment_id = ? AND seq = ?").get(deploymentId, seq) as StepRow);
  }

  private mustGetDeployment(id: number): DeploymentRecord {
    const record = this.getDeployment(id);
    if (record === undefined) throw new Error(`deployment ${id} does not exist`);
    return record;
  }
}

/** The spec is unsealed when first read, so listing revisions (history, status) needs no key; deploying one does. */
function toRevision(row: RevisionRow, keys: SecretKeySource): RevisionRecord {
  let spec: Record<string, unknown> | undefined;
  return {
    service: row.service,
    environment: row.environment,
    revision: row.revision,
    image: row.image,
    ...(row.digest === null ? {} : { digest: row.digest }),
    ...(row.image_id === null ? {} : { imageId: row.image_id }),
    get spec(): Record<string, unknown> {
      spec ??= unsealSpec(row.spec, keys, row);
      return spec;
    },
    specHash: row.spec_hash,
    createdAt: new Date(row.created_at),
  };
}

function toDeployment(row: DeploymentRow): DeploymentRecord {
  return {
    id: row.id,
    service: row.service,
    environment: row.environment,
    ...(row.from_revision === null ? {} : { fromRevision: row.from_revision }),
    toRevision: row.to_revision,
    strategy: row.strategy,
    trigger: row.trigger,
    holder: row.holder,
    status: row.status,
    startedAt: new Date(row.started_at),
    ...(row.finished_at === null ? {} : { finishedAt: new Date(row.finished_at) }),
    ...(row.error === null ? {} : { error: row.error }),
    log: row.log,
  };
}

function toStep(row: StepRow): DeploymentStep {
  return {
    deploymentId: row.deployment_id,
    seq: row.seq,
    name: row.name,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    status: row.status,
    startedAt: new Date(row.started_at),
    ...(row.finished_at === null ? {} : { finishedAt: new Date(row.finished_at) }),
    ...(row.error === null ? {} : { error: row.error }),
  };
}
