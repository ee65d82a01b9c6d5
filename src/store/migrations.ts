/**
 * The store's schema, as an ordered list of migrations. A migration is never edited once
 * released: add a new one. Each runs in a transaction and is recorded in schema_migrations.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "audit log and locks",
    sqlite: `
      CREATE TABLE audit (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        at      TEXT    NOT NULL,
        actor   TEXT    NOT NULL,
        action  TEXT    NOT NULL,
        subject TEXT    NOT NULL,
        detail  TEXT    NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_subject ON audit (subject, id);
      CREATE TABLE locks (
        name       TEXT PRIMARY KEY,
        holder     TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "builds",
    sqlite: `
      CREATE TABLE builds (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        image       TEXT    NOT NULL,
        status      TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
        fingerprint TEXT,
        tag         TEXT,
        reference   TEXT,
        digest      TEXT,
        reasons     TEXT    NOT NULL DEFAULT '[]',
        inputs      TEXT    NOT NULL DEFAULT '{}',
        started_at  TEXT    NOT NULL,
        finished_at TEXT,
        error       TEXT,
        log         TEXT    NOT NULL DEFAULT ''
      );
      CREATE INDEX builds_image ON builds (image, id);
    `,
  },
  {
    version: 3,
    name: "revisions and deployments",
    sqlite: `
      CREATE TABLE revisions (
        service     TEXT    NOT NULL,
        environment TEXT    NOT NULL,
        revision    INTEGER NOT NULL,
        image       TEXT    NOT NULL,
        digest      TEXT,
        image_id    TEXT,
        spec        TEXT    NOT NULL,
        spec_hash   TEXT    NOT NULL,
        created_at  TEXT    NOT NULL,
        PRIMARY KEY (service, environment, revision)
      );
      CREATE TABLE deployments (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        service       TEXT    NOT NULL,
        environment   TEXT    NOT NULL,
        from_revision INTEGER,
        to_revision   INTEGER NOT NULL,
        strategy      TEXT    NOT NULL,
        trigger       TEXT    NOT NULL,
        holder        TEXT    NOT NULL,
        status        TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'rolled-back', 'failed')),
        started_at    TEXT    NOT NULL,
        finished_at   TEXT,
        error         TEXT,
        log           TEXT    NOT NULL DEFAULT ''
      );
      CREATE INDEX deployments_service ON deployments (service, environment, id);
      CREATE TABLE deployment_steps (
        deployment_id INTEGER NOT NULL REFERENCES deployments (id),
        seq           INTEGER NOT NULL,
        name          TEXT    NOT NULL,
        detail        TEXT    NOT NULL DEFAULT '{}',
        status        TEXT    NOT NULL CHECK (status IN ('started', 'done', 'failed')),
        started_at    TEXT    NOT NULL,
        finished_at   TEXT,
        error         TEXT,
        PRIMARY KEY (deployment_id, seq)
      );
    `,
  },
  {
    version: 4,
    name: "controller: pipeline runs, job runs, tokens, webhook deliveries, watch state",
    sqlite: `
      CREATE TABLE pipeline_runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        environment TEXT    NOT NULL,
        source      TEXT    NOT NULL,
        branch      TEXT    NOT NULL,
        commit_sha  TEXT    NOT NULL,
        trigger     TEXT    NOT NULL,
        status      TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
        started_at  TEXT    NOT NULL,
        finished_at TEXT,
        error       TEXT,
        summary     TEXT    NOT NULL DEFAULT '{}'
      );
      CREATE INDEX pipeline_runs_environment ON pipeline_runs (environment, id);
      CREATE TABLE pipeline_steps (
        run_id      INTEGER NOT NULL REFERENCES pipeline_runs (id),
        seq         INTEGER NOT NULL,
        name        TEXT    NOT NULL,
        status      TEXT    NOT NULL CHECK (status IN ('started', 'done', 'failed', 'skipped')),
        detail      TEXT    NOT NULL DEFAULT '{}',
        started_at  TEXT    NOT NULL,
        finished_at TEXT,
        error       TEXT,
        PRIMARY KEY (run_id, seq)
      );
      CREATE TABLE job_runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        job         TEXT    NOT NULL,
        trigger     TEXT    NOT NULL,
        status      TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
        image       TEXT,
        exit_code   INTEGER,
        started_at  TEXT    NOT NULL,
        finished_at TEXT,
        error       TEXT
      );
      CREATE INDEX job_runs_job ON job_runs (job, id);
      CREATE TABLE api_tokens (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        name         TEXT    NOT NULL UNIQUE,
        hash         TEXT    NOT NULL UNIQUE,
        created_at   TEXT    NOT NULL,
        last_used_at TEXT,
        revoked_at   TEXT
      );
      CREATE TABLE webhook_deliveries (
        provider    TEXT NOT NULL,
        delivery_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (provider, delivery_id)
      );
      CREATE TABLE watch_state (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        checked_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: "held deploys, their verdicts, freezes",
    sqlite: `
      CREATE TABLE held_deploys (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        service      TEXT    NOT NULL,
        environment  TEXT    NOT NULL,
        image        TEXT    NOT NULL,
        trigger      TEXT    NOT NULL,
        requested_by TEXT    NOT NULL,
        requested_at TEXT    NOT NULL,
        status       TEXT    NOT NULL CHECK (status IN ('waiting', 'running', 'succeeded', 'failed', 'rejected', 'expired', 'superseded', 'cancelled')),
        deadline     TEXT,
        detail       TEXT    NOT NULL DEFAULT '{}',
        finished_at  TEXT,
        deployment   INTEGER,
        error        TEXT
      );
      CREATE INDEX held_deploys_service ON held_deploys (service, environment, status);
      CREATE TABLE held_verdicts (
        held_id INTEGER NOT NULL REFERENCES held_deploys (id),
        actor   TEXT    NOT NULL,
        verdict TEXT    NOT NULL CHECK (verdict IN ('approve', 'reject')),
        reason  TEXT,
        at      TEXT    NOT NULL,
        PRIMARY KEY (held_id, actor)
      );
      CREATE TABLE freezes (
        environment TEXT PRIMARY KEY,
        until       TEXT NOT NULL,
        reason      TEXT NOT NULL,
        by          TEXT NOT NULL,
        at          TEXT NOT NULL
      );
    `,
  },
];
