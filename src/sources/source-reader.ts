import type { SourceReader } from "./source-reader-port.js";
import { SlipwayError, isSlipwayError } from "../errors/index.js";
import type { Mirror, Mirrors, SourceSpec } from "./mirror.js";
import * as tree from "./tree.js";

/** A source as the build sees it: its remote, branch and included paths. */
export interface ReaderSource extends SourceSpec {
  readonly paths?: readonly string[];
}

/**
 * The builder's SourceReader over mirrors. Branch heads come from one ls-remote per source
 * per reader (a reader lives for one run), unless the caller read them already (`knownHeads`:
 * source -> commit); a mirror is fetched only when a commit it needs is missing, so planning
 * with unchanged sources fetches nothing.
 */
export function createSourceReader(mirrors: Mirrors, sources: readonly ReaderSource[], knownHeads: Readonly<Record<string, string>> = {}): SourceReader {
  const byName = new Map(sources.map((source) => [source.name, source]));
  const heads = new Map<string, Promise<string>>(Object.entries(knownHeads).map(([name, commit]) => [name, Promise.resolve(commit)]));
  const ensured = new Map<string, Promise<Mirror>>();
  const counts = mirrors.counts;

  const spec = (name: string): ReaderSource => {
    const found = byName.get(name);
    if (found) return found;
    throw new SlipwayError("CONFIG_INVALID", `there is no source named "${name}"`, {
      hint: `declare it under \`sources:\`; known sources: ${[...byName.keys()].sort().join(", ") || "none"}`,
    });
  };
  const mirrorAt = (name: string, commit: string): Promise<Mirror> => {
    const key = `${name}@${commit}`;
    let known = ensured.get(key);
    if (!known) {
      known = mirrors.ensure(spec(name), commit);
      ensured.set(key, known);
      known.catch(() => ensured.delete(key));
    }
    return known;
  };
  const within = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (!isSlipwayError(error, "GIT_PATH_NOT_FOUND")) throw error;
      throw new SlipwayError("GIT_PATH_NOT_FOUND", `in source ${name}: ${error.message}`, { hint: error.hint, cause: error });
    }
  };

  return {
    head(name) {
      let known = heads.get(name);
      if (!known) {
        known = Promise.resolve().then(() => mirrors.head(spec(name)));
        heads.set(name, known);
        known.catch(() => heads.delete(name));
      }
      return known;
    },
    lastCommitTouching: (name, commit, paths) => within(name, async () => mirrors.reader((await mirrorAt(name, commit)).dir).lastCommitTouching(commit, paths)),
    fileExists: async (name, commit, path) => mirrors.reader((await mirrorAt(name, commit)).dir).fileExists(commit, path),
    exportTree: (name, commit, path, dest) => within(name, async () => tree.exportTree((await mirrorAt(name, commit)).dir, commit, path, dest, counts)),
    async changedPaths(name, from, to, paths) {
      const mirror = await mirrorAt(name, to);
      await mirrorAt(name, from);
      return tree.changedPaths(mirror.dir, from, to, paths, counts);
    },
    includedPaths: (name) => spec(name).paths ?? [],
    branch: (name) => spec(name).branch,
    readFile: async (name, commit, path) => tree.readBlob((await mirrorAt(name, commit)).dir, commit, path, counts),
    versionFacts: async (name, commit) => tree.versionFacts((await mirrorAt(name, commit)).dir, commit, counts),
  };
}
