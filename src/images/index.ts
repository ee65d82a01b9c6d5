export { environmentLookup, environmentTag, type EnvironmentLookup, type EnvironmentsConfig } from "./environment-tag.js";
export { newestFor, newestForEnvironment, newestInRegistry, newestLocal, type NewestImage } from "./newest-image.js";
export {
  containerDirs,
  dirVariables,
  defaultRunBase,
  ensureHostDirs,
  hostDirKinds,
  hostDirMounts,
  hostDirs,
  imageHome,
  type HostDirKind,
  type HostDirs,
} from "./host-dirs.js";
export { launchEnv, type LaunchedImage } from "./launch-env.js";
