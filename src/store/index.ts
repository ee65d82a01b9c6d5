export type {
  AuditEntry,
  BuildOutcome,
  BuildRecord,
  BuildStatus,
  DeploymentRecord,
  DeploymentStatus,
  DeploymentStep,
  LockLease,
  NewAuditEntry,
  NewBuild,
  NewDeployment,
  NewRevision,
  RevisionRecord,
  StepStatus,
  Store,
} from "./store.js";
export { openStore } from "./open-store.js";
export { openSqliteStore } from "./sqlite-store.js";
