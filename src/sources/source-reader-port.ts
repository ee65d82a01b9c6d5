import type { VersionFacts } from "./tree.js";

/** What the builder reads from git: the port src/sources/source-reader.ts implements over mirrors. */
export interface SourceReader {
  /** The branch head of a source: one ls-remote per source, remembered for the run. */
  head(source: string): Promise<string>;
  /** The last commit at or before `commit` that touched any of `paths` ("" means the whole tree). */
  lastCommitTouching(source: string, commit: string, paths: readonly string[]): Promise<string>;
  fileExists(source: string, commit: string, path: string): Promise<boolean>;
  /** Writes the files under `path` at `commit` into `dest`, without the `path` prefix. */
  exportTree(source: string, commit: string, path: string, dest: string): Promise<void>;
  /** Files changed between two commits, within `paths` when given. */
  changedPaths(source: string, from: string, to: string, paths: readonly string[]): Promise<readonly string[]>;
  /** The source's included paths (`paths:` in slipway.yml); empty for the whole repository. */
  includedPaths(source: string): readonly string[];
  /** The branch the source is read at (in a pipeline run, the pushed branch when the source has it). */
  branch(source: string): string;
  /** The content of a file at a commit, or undefined when it is not a file there. */
  readFile(source: string, commit: string, path: string): Promise<string | undefined>;
  /** For the version-count-sha tag scheme: commit count, short sha, last version tag, VERSION file. */
  versionFacts(source: string, commit: string): Promise<VersionFacts>;
}
