import { redactText } from "../util/secret.js";
import { sealSpec, unsealSpec } from "./revision-sealing.js";
import type { SecretKeySource } from "./secret-key.js";
import { whereEqual, type SqlDatabase } from "./sql.js";
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
export class StoreDeployments {
  constructor(
    private readonly db: SqlDatabase,
    private readonly keys: SecretKeySource,
  ) {}

  async saveRevision(revision: NewRevision): Promise<RevisionRecord> {
    const row = await this.db.transaction(async (tx) => {
      const last = await tx.get<{ n: number }>("SELECT COALESCE(MAX(revision), 0) AS n FROM revisions WHERE service = ? AND environment = ?", [
        revision.service,
        revision.environment,
      ]);
      const next = (last?.n ?? 0) + 1;
      return tx.get<RevisionRow>(
        `INSERT INTO revisions (service, environment, revision, image, digest, image_id, spec, spec_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          revision.service,
          revision.environment,
          next,
          revision.image,
          revision.digest ?? null,
          revision.imageId ?? null,
          sealSpec(revision.spec, this.keys, { service: revision.service, environment: revision.environment, revision: next }),
          revision.specHash,
          (revision.createdAt ?? new Date()).toISOString(),
        ],
      );
    });
    if (row === undefined) throw new Error(`a new revision of ${revision.service} vanished on insert`);
    return toRevision(row, this.keys);
  }

  async getRevision(service: string, environment: string, revision: number): Promise<RevisionRecord | undefined> {
    const row = await this.db.get<RevisionRow>("SELECT * FROM revisions WHERE service = ? AND environment = ? AND revision = ?", [
      service,
      environment,
      revision,
    ]);
    return row === undefined ? undefined : toRevision(row, this.keys);
  }

  async listRevisions(service: string, environment: string, limit: number): Promise<RevisionRecord[]> {
    const rows = await this.db.all<RevisionRow>("SELECT * FROM revisions WHERE service = ? AND environment = ? ORDER BY revision DESC LIMIT ?", [
      service,
      environment,
      limit,
    ]);
    return rows.map((row) => toRevision(row, this.keys));
  }

  async startDeployment(deployment: NewDeployment): Promise<DeploymentRecord> {
    const row = await this.db.get<DeploymentRow>(
      `INSERT INTO deployments (service, environment, from_revision, to_revision, strategy, trigger, holder, status, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?) RETURNING *`,
      [
        deployment.service,
        deployment.environment,
        deployment.fromRevision ?? null,
        deployment.toRevision,
        deployment.strategy,
        deployment.trigger,
        deployment.holder,
        (deployment.startedAt ?? new Date()).toISOString(),
      ],
    );
    return toDeployment(row as DeploymentRow);
  }

  async finishDeployment(
    id: number,
    outcome: { status: Exclude<DeploymentStatus, "running">; error?: string; log?: string; finishedAt?: Date },
  ): Promise<DeploymentRecord> {
    const row = await this.db.get<DeploymentRow>(
      "UPDATE deployments SET status = ?, error = ?, log = COALESCE(?, log), finished_at = ? WHERE id = ? RETURNING *",
      [
        outcome.status,
        outcome.error === undefined ? null : redactText(outcome.error),
        outcome.log === undefined ? null : redactText(outcome.log.slice(-LOG_LIMIT)),
        (outcome.finishedAt ?? new Date()).toISOString(),
        id,
      ],
    );
    return mustExist(row, id);
  }

  async takeOver(id: number, holder: string): Promise<DeploymentRecord> {
    return mustExist(await this.db.get<DeploymentRow>("UPDATE deployments SET holder = ? WHERE id = ? RETURNING *", [holder, id]), id);
  }

  async getDeployment(id: number): Promise<DeploymentRecord | undefined> {
    const row = await this.db.get<DeploymentRow>("SELECT * FROM deployments WHERE id = ?", [id]);
    return row === undefined ? undefined : toDeployment(row);
  }

  async listDeployments(options: { service?: string; environment?: string; status?: DeploymentStatus; limit?: number }): Promise<DeploymentRecord[]> {
    const { where, values } = whereEqual({ service: options.service, environment: options.environment, status: options.status });
    const rows = await this.db.all<DeploymentRow>(`SELECT * FROM deployments ${where} ORDER BY id DESC LIMIT ?`, [...values, options.limit ?? 50]);
    return rows.map(toDeployment);
  }

  async startStep(deploymentId: number, name: string, detail: Readonly<Record<string, unknown>>): Promise<DeploymentStep> {
    const row = await this.db.transaction(async (tx) => {
      const last = await tx.get<{ n: number }>("SELECT COALESCE(MAX(seq), 0) AS n FROM deployment_steps WHERE deployment_id = ?", [deploymentId]);
      return tx.get<StepRow>(
        "INSERT INTO deployment_steps (deployment_id, seq, name, detail, status, started_at) VALUES (?, ?, ?, ?, 'started', ?) RETURNING *",
        [deploymentId, (last?.n ?? 0) + 1, name, JSON.stringify(detail), new Date().toISOString()],
      );
    });
    return toStep(row as StepRow);
  }

  async finishStep(
    deploymentId: number,
    seq: number,
    outcome: { status: Exclude<StepStatus, "started">; error?: string; detail?: Readonly<Record<string, unknown>> },
  ): Promise<DeploymentStep> {
    const row = await this.db.get<StepRow>(
      "UPDATE deployment_steps SET status = ?, error = ?, detail = COALESCE(?, detail), finished_at = ? WHERE deployment_id = ? AND seq = ? RETURNING *",
      [
        outcome.status,
        outcome.error === undefined ? null : redactText(outcome.error),
        outcome.detail === undefined ? null : JSON.stringify(outcome.detail),
        new Date().toISOString(),
        deploymentId,
        seq,
      ],
    );
    if (row === undefined) throw new Error(`deployment ${deploymentId} has no step ${seq}`);
    return toStep(row);
  }

  async listSteps(deploymentId: number): Promise<DeploymentStep[]> {
    return (await this.db.all<StepRow>("SELECT * FROM deployment_steps WHERE deployment_id = ? ORDER BY seq", [deploymentId])).map(toStep);
  }
}

function mustExist(row: DeploymentRow | undefined, id: number): DeploymentRecord {
  if (row === undefined) throw new Error(`deployment ${id} does not exist`);
  return toDeployment(row);
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
