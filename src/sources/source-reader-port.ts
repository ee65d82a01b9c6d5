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
  /** For the version-count-sha tag scheme. */
  describe(source: string, commit: string): Promise<{ version: string; count: number; sha: string }>;
}
