export { validateRemote, redactUserinfo, type Remote, type RemoteKind, type RemoteOptions } from "./remote.js";
export { validateBranch, branchProblem } from "./branch.js";
export {
  runGit,
  spawnGit,
  gitArgv,
  gitEnv,
  gitFailure,
  createGitCounts,
  type GitCounts,
  type GitResult,
  type RunGitOptions,
  type SpawnGitOptions,
} from "./git.js";
export { lsRemote, headOf, branchNotFound, type LsRemoteOptions } from "./ls-remote.js";
export { openMirrors, mirrorName, type Mirror, type Mirrors, type MirrorsOptions, type SourceSpec } from "./mirror.js";
export {
  exportTree,
  fileExists,
  hasCommit,
  changedPaths,
  lastCommitTouching,
  commitInfo,
  versionFacts,
  lastVersionTag,
  readBlob,
  pathNotFound,
  type CommitInfo,
  type VersionFacts,
} from "./tree.js";
export { matchesPaths, pathspecs, normalizeSourcePath, globToRegExp } from "./paths.js";
export { withFileLock, type FileLockOptions } from "./file-lock.js";
export { offlineTree, type OfflineTree } from "./offline-tree.js";
export { createSourceReader, type ReaderSource } from "./source-reader.js";
export { openMirrorReader, parseTree, parseCommit, type MirrorReader, type MirrorReaderOptions, type TreeEntry } from "./mirror-reader.js";
export { lastCommitTouchingIn, type HistoryAccess } from "./last-touching.js";
export { openCatFile, type CatFile, type GitObject } from "./cat-file.js";
export { commitLog, type CommitLog, type CommitLogOptions } from "./commit-log.js";
