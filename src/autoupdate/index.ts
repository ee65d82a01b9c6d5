export {
  checkServiceUpdate,
  autoUpdateOf,
  autoUpdateServices,
  type ServiceUpdatePorts,
  type ServiceUpdateRequest,
  type ServiceUpdateReport,
  type ServiceUpdateStatus,
} from "./check-service.js";
export {
  AUTO_UPDATE_LABEL,
  SCOPE_LABEL,
  inScope,
  isImageId,
  listWatchedContainers,
  watchModeOf,
  type WatchedContainer,
  type WatchMode,
} from "./watch-label.js";
export { updateForeignContainer, type ForeignPorts, type ForeignUpdateOptions, type ForeignUpdateReport } from "./update-container.js";
export { checkWatchedContainer, type ForeignCheckPorts } from "./check-container.js";
export { planRecreate, TEMPORARY_SUFFIX, type Preflight, type PreflightInput, type RecreatePlan, type RecreateOrder } from "./preflight.js";
export { cleanupImages, type CleanupReport } from "./cleanup-images.js";
export {
  tagDigest,
  tagDigestAfterNotice,
  pinnedReference,
  pullFollowed,
  digestsFor,
  type RegistrySource,
  type DigestSource,
  type FollowedTag,
} from "./tag-digest.js";
export { waitReady, type ReadyOptions } from "./wait-ready.js";
export type { ContainerInspect, ImageConfig } from "./inspect-json.js";
export { chooseTag } from "./track-tags.js";
export { lastUpdateCheck, type LastUpdateCheck } from "./check-service.js";
export { releaseInfo, type ReleaseInfo } from "./check-service.js";
