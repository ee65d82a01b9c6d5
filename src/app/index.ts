export type { AppContext } from "./context.js";
export { toWire, type Wire } from "./wire.js";
export { serviceStatus, type StatusRow } from "./status.js";
export { serviceHistory, type HistoryEntry } from "./history.js";
export {
  deployFromConfig,
  requestDeploy,
  heldRunner,
  rollbackService,
  deployTarget,
  deployJson,
  takeDown,
  type DeployInput,
  type DeployRequestInput,
  type DeployOutcome,
  type RollbackInput,
  type RollbackOutcome,
} from "./deploy.js";
export { rollbackTarget } from "./rollback-target.js";
export { promoteService, type PromoteInput, type PromoteOutcome } from "./promote.js";
export { planImages, planSession, planJson, type PlanInput, type PlanJson, type PlanImageJson } from "./plan.js";
export { buildImages, outcomeJson, type BuildInput, type BuildRun, type BuildReportJson, type OutcomeJson, type BuildCallbacks } from "./build.js";
export { latestImage, type LatestImage } from "./images.js";
export { createDeployPorts } from "./deploy-ports.js";
export { attempt, mapAttempt, type Attempt } from "./attempt.js";
export { firstAnswering, fleetOf, type DeployHost } from "./fleet-hosts.js";
export { runDeployment, type DeploymentContext, type DeploymentRequest, type DeploymentResult } from "./run-deployment.js";
export { releaseNotesReader, type ReleaseNotesReader } from "./release-notes-reader.js";
export {
  releaseNotes,
  releaseNotesLines,
  releaseNotesDetail,
  storedReleaseNotes,
  RELEASE_NOTES_LIMIT,
  RELEASE_NOTES_STEP,
  type ReleaseNotes,
  type SourceHistory,
} from "./release-notes.js";
export { commitRanges, type CommitRange, type ImageSources } from "./commit-ranges.js";
export { serviceImage } from "./service-image.js";
export { reconcileServices, reconcileOne, type ReconcileRow, type ReconcileInput } from "./reconcile.js";
export { engineSource, connectOptions, type EngineFor } from "./engines.js";
export { pipelineNotice, type PipelineEvent } from "./pipeline-notices.js";
export { failureDetail, type FailureDetail } from "./failure-detail.js";
export {
  activeFreezes,
  approveHeld,
  freezeEnvironment,
  gateDeps,
  gateOrHold,
  gateUpdate,
  heldView,
  listHeldViews,
  localActor,
  parseHeldId,
  parseUntil,
  rejectHeld,
  runDueHeld,
  unfreezeEnvironment,
  type DueOutcome,
  type GateDeps,
  type GateOutcome,
  type HeldView,
  type RunHeld,
} from "./held-deploys.js";
export { policyFor, type DeployKind, type EnvironmentPolicy } from "./deploy-policy.js";
