/**
 * What the builder needs from git and from the registry, as narrow ports. The adapters
 * (src/sources, src/registry) implement them; src/builder/adapters.ts wires them.
 */
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

export interface RegistryReader {
  /** The manifest digest of a reference (one HEAD), or undefined when the registry has none. */
  digest(ref: string): Promise<string | undefined>;
}
