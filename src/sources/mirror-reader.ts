import { SlipwayError } from "../errors/index.js";
import { openCatFile, type CatFile } from "./cat-file.js";
import type { GitCounts } from "./git.js";
import { lastCommitTouchingIn } from "./last-touching.js";
import { hasWildcard, normalizeSourcePath } from "./paths.js";
import * as tree from "./tree.js";

/**
 * Batched reads of one mirror: what planning asks of a source many times over (does the
 * commit exist, is this a file, which commit last touched these paths) answered by one
 * `git cat-file --batch` process reading commit and tree objects, instead of a git process per
 * question. The answers are those of the single commands in tree.ts; wildcard paths, which
 * objects cannot answer exactly, go to those commands.
 */
export interface MirrorReader {
  hasCommit(commit: string): Promise<boolean>;
  /** As tree.fileExists: whether `path` is a file (not a directory) at `commit`. */
  fileExists(commit: string, path: string): Promise<boolean>;
  /** As tree.lastCommitTouching: the last commit at or before `commit` that touched any of `paths`. */
  lastCommitTouching(commit: string, paths: readonly string[]): Promise<string>;
  /** Restarts its cat-file and forgets what a fetch can change (after a clone or fetch). */
  reset(): void;
}

/** A tree entry: its mode (octal, as git writes it) and object id. */
export interface TreeEntry {
  readonly mode: string;
  readonly oid: string;
}

export interface MirrorReaderOptions {
  readonly counts?: GitCounts;
  /** How long an unused cat-file process stays up (tests shorten it). */
  readonly idleMs?: number;
}

interface CommitObject {
  readonly tree: string;
  readonly parents: readonly string[];
}

const FULL_SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;
const TREE_MODE = "40000";

export function openMirrorReader(dir: string, options: MirrorReaderOptions = {}): MirrorReader {
  const counts = options.counts;
  const open = (): CatFile => openCatFile(dir, { counts, ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }) });
  let catFile = open();
  const commits = new Map<string, CommitObject>();
  const trees = new Map<string, Promise<ReadonlyMap<string, TreeEntry>>>();
  const touching = new Map<string, Promise<string>>();

  const remember = <T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> => {
    let known = cache.get(key);
    if (known === undefined) {
      known = read();
      cache.set(key, known);
      known.catch(() => cache.delete(key));
    }
    return known;
  };
  /** Commits are remembered once read; a missing one is asked again (a fetch may bring it). */
  const commitObject = async (commit: string): Promise<CommitObject | undefined> => {
    const known = commits.get(commit);
    if (known !== undefined) return known;
    const object = await catFile.read(`${commit}^{commit}`);
    if (object?.type !== "commit") return undefined;
    const parsed = parseCommit(object.content);
    commits.set(commit, parsed);
    return parsed;
  };
  const treeObject = (oid: string): Promise<ReadonlyMap<string, TreeEntry>> =>
    remember(trees, oid, async () => {
      const object = await catFile.read(oid);
      if (object?.type !== "tree") throw new SlipwayError("GIT_FAILED", `the tree ${oid.slice(0, 12)} is missing from the mirror ${dir}`);
      return parseTree(object.content, oid.length / 2);
    });
  /** The entry at `path` under the tree `root` (undefined when there is none). */
  const entryIn = async (root: string, path: string): Promise<TreeEntry | undefined> => {
    const parts = path.split("/");
    let treeOid: string | undefined = root;
    for (const [i, part] of parts.entries()) {
      if (treeOid === undefined) return undefined;
      const entry = (await treeObject(treeOid)).get(part);
      if (i === parts.length - 1) return entry;
      treeOid = entry?.mode === TREE_MODE ? entry.oid : undefined;
    }
    return undefined;
  };
  /** Whether two trees hold the same entry at `path`: equal subtrees on the way answer at once. */
  const sameAt = async (a: string, b: string, path: string): Promise<boolean> => {
    const parts = path.split("/");
    let ta: string | undefined = a;
    let tb: string | undefined = b;
    for (const [i, part] of parts.entries()) {
      if (ta === tb) return true;
      const ea: TreeEntry | undefined = ta === undefined ? undefined : (await treeObject(ta)).get(part);
      const eb: TreeEntry | undefined = tb === undefined ? undefined : (await treeObject(tb)).get(part);
      if (i === parts.length - 1) return ea?.mode === eb?.mode && ea?.oid === eb?.oid;
      ta = ea?.mode === TREE_MODE ? ea.oid : undefined;
      tb = eb?.mode === TREE_MODE ? eb.oid : undefined;
    }
    return true;
  };
  const mustCommit = async (commit: string): Promise<CommitObject> => {
    const object = await commitObject(commit);
    if (object === undefined) throw new SlipwayError("GIT_FAILED", `the commit ${commit.slice(0, 12)} is not in the mirror ${dir}`);
    return object;
  };
  const batched = (commit: string, specs: readonly string[]): Promise<string | undefined> =>
    lastCommitTouchingIn(
      {
        parents: async (sha) => (await mustCommit(sha)).parents,
        async sameAtPaths(child, parent) {
          const [a, b] = await Promise.all([mustCommit(child), mustCommit(parent)]);
          for (const path of specs) if (!(await sameAt(a.tree, b.tree, path))) return false;
          return true;
        },
        async holdsAnyPath(root) {
          const { tree: rootTree } = await mustCommit(root);
          for (const path of specs) if ((await entryIn(rootTree, path)) !== undefined) return true;
          return false;
        },
      },
      commit,
    );

  return {
    async hasCommit(commit) {
      tree.assertCommit(commit);
      return (await commitObject(commit)) !== undefined;
    },
    async fileExists(commit, path) {
      tree.assertCommit(commit);
      const file = normalizeSourcePath(path);
      if (file === "") return false;
      const object = await commitObject(commit);
      if (object === undefined) {
        throw new SlipwayError("GIT_FAILED", `git cat-file failed: the commit ${commit.slice(0, 12)} is not in the mirror ${dir}`, {
          hint: "the mirror may be incomplete; remove it from the cache to clone it again",
        });
      }
      const entry = await entryIn(object.tree, file);
      return entry !== undefined && isBlobMode(entry.mode);
    },
    lastCommitTouching(commit, paths) {
      tree.assertCommit(commit);
      const specs = paths.map(normalizeSourcePath).filter((path) => path !== "");
      const single = specs.length === 0 || specs.length < paths.length || !FULL_SHA.test(commit) || specs.some(hasWildcard);
      if (single) return tree.lastCommitTouching(dir, commit, paths, counts);
      return remember(touching, `${commit}\0${specs.join("\0")}`, () =>
        batched(commit, specs).then(
          (sha) => {
            if (sha === undefined) throw tree.pathNotFound(specs.join(", "), commit);
            return sha;
          },
          // An object that could not be read: the single command answers, or explains the failure.
          () => tree.lastCommitTouching(dir, commit, paths, counts),
        ),
      );
    },
    reset() {
      catFile.close();
      catFile = open();
    },
  };
}

/** Regular files and symlinks are blobs (what `cat-file -t` calls them); trees and submodules are not. */
function isBlobMode(mode: string): boolean {
  const type = Number.parseInt(mode, 8) & 0o170000;
  return type === 0o100000 || type === 0o120000;
}

/** A commit object's tree and parents (its header lines, up to the first blank line). */
export function parseCommit(content: Buffer): CommitObject {
  const header = content.toString("utf8").split("\n\n", 1)[0] ?? "";
  let treeOid = "";
  const parents: string[] = [];
  for (const line of header.split("\n")) {
    if (line.startsWith("tree ")) treeOid = line.slice(5);
    else if (line.startsWith("parent ")) parents.push(line.slice(7));
  }
  return { tree: treeOid, parents };
}

/** A tree object's entries (`<mode> <name>\0<raw id>`), by name. */
export function parseTree(content: Buffer, hashBytes: number): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>();
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space + 1);
    if (space === -1 || nul === -1 || nul + 1 + hashBytes > content.length) break;
    const mode = content.subarray(at, space).toString("latin1");
    const name = content.subarray(space + 1, nul).toString("utf8");
    entries.set(name, { mode, oid: content.subarray(nul + 1, nul + 1 + hashBytes).toString("hex") });
    at = nul + 1 + hashBytes;
  }
  return entries;
}
