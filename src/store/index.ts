export type {
  ApiTokenRecord,
  AuditEntry,
  BuildOutcome,
  BuildRecord,
  BuildStatus,
  DeploymentRecord,
  DeploymentStatus,
  DeploymentStep,
  JobRunRecord,
  JobRunStatus,
  LockLease,
  NewAuditEntry,
  NewBuild,
  NewDeployment,
  NewJobRun,
  NewPipelineRun,
  NewRevision,
  PipelineRunRecord,
  PipelineRunStatus,
  PipelineStep,
  PipelineStepStatus,
  RevisionRecord,
  StepStatus,
  Store,
} from "./store.js";
export { openStore } from "./open-store.js";
export { openSqliteStore } from "./sqlite-store.js";
export { SECRET_KEY_FILE, SECRET_KEY_VARIABLE, secretKeySource, ephemeralKeySource, type SecretKey, type SecretKeySource } from "./secret-key.js";
