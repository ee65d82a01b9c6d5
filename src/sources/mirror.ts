import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { SlipwayError } from "../errors/index.js";
import { validateBranch } from "./branch.js";
import { withFileLock } from "./file-lock.js";
import { createGitCounts, runGit, type GitCounts } from "./git.js";
import { headOf } from "./ls-remote.js";
import { validateRemote, type Remote } from "./remote.js";
import { openMirrorReader, type MirrorReader } from "./mirror-reader.js";

/** A source as slipway.yml declares it. */
export interface SourceSpec {
  readonly name: string;
  readonly repo: string;
  readonly branch: string;
}

export interface Mirror {
  /** The bare mirror repository: the `mirrorDir` of the tree functions. */
  readonly dir: string;
  readonly remote: Remote;
}

export interface Mirrors {
  /**
   * The source's mirror, holding `commit` when one is given. It is cloned when absent and
   * fetched only when `commit` is missing from it (or, without a commit, every time).
   * A commit the remote does not have either ends in GIT_BRANCH_NOT_FOUND.
   */
  ensure(source: SourceSpec, commit?: string): Promise<Mirror>;
  /** The branch head in the remote: one ls-remote, no fetch. */
  head(source: SourceSpec): Promise<string>;
  /** Batched reads of a mirror (one per directory, for the life of these mirrors). */
  reader(dir: string): MirrorReader;
  /** How many git programs ran through these mirrors. */
  stats(): GitCounts;
  /** The counter the tree functions can add to. */
  readonly counts: GitCounts;
}

export interface MirrorsOptions {
  readonly cacheDir: string;
  /** Relative local `repo:` paths are resolved against it (the config file's directory). */
  readonly baseDir?: string;
  /** For network commands (clone, fetch, ls-remote). */
  readonly timeoutMs?: number;
}

export function openMirrors(options: MirrorsOptions): Mirrors {
  const cacheDir = resolve(options.cacheDir);
  const baseDir = options.baseDir ?? process.cwd();
  const counts = createGitCounts();
  mkdirSync(cacheDir, { recursive: true });
  const remoteOf = (source: SourceSpec): Remote => validateRemote(source.repo, { baseDir });
  const readers = new Map<string, MirrorReader>();
  const reader = (dir: string): MirrorReader => {
    let known = readers.get(dir);
    if (known === undefined) {
      known = openMirrorReader(dir, { counts });
      readers.set(dir, known);
    }
    return known;
  };

  return {
    counts,
    stats: () => ({ ...counts }),
    reader,
    async head(source) {
      return headOf(remoteOf(source), source.branch, { counts, timeoutMs: options.timeoutMs });
    },
    async ensure(source, commit) {
      validateBranch(source.branch);
      const remote = remoteOf(source);
      const dir = join(cacheDir, mirrorName(remote));
      const mirror = { dir, remote };
      const present = (): Promise<boolean> => (commit === undefined ? Promise.resolve(false) : reader(dir).hasCommit(commit));
      if (isMirror(dir) && (await present())) return mirror;
      await withFileLock(`${dir}.lock`, async () => {
        if (!isMirror(dir)) await clone(remote, dir, counts, options.timeoutMs);
        else if (!(await present())) await fetch(remote, dir, counts, options.timeoutMs);
      });
      reader(dir).reset(); // the batch processes started before the clone or fetch may not see its objects
      if (commit !== undefined && !(await present())) {
        throw new SlipwayError("GIT_BRANCH_NOT_FOUND", `the commit ${commit} of source ${source.name} does not exist in ${remote.display}`, {
          hint: "the branch may have been force-pushed; plan again to use its current head",
        });
      }
      return mirror;
    },
  };
}

/** A readable, collision-free directory name: `app1-<16 hex of sha256(url)>.git`. */
export function mirrorName(remote: Remote): string {
  const hash = createHash("sha256").update(remote.url).digest("hex").slice(0, 16);
  const slug = basename(remote.url.replace(/\/+$/, "").replace(/^.*:/, ""))
    .replace(/\.git$/, "")
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .slice(0, 40);
  return `${slug || "repo"}-${hash}.git`;
}

function isMirror(dir: string): boolean {
  return existsSync(join(dir, "HEAD")) && existsSync(join(dir, "objects"));
}

/** Clones into a temporary directory and renames it into place, so a killed clone leaves no half mirror. */
async function clone(remote: Remote, dir: string, counts: GitCounts, timeoutMs: number | undefined): Promise<void> {
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  try {
    await runGit(["clone", "--mirror", "--quiet", "--", remote.url, partial], { remote, counts, timeoutMs });
    renameSync(partial, dir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

async function fetch(remote: Remote, dir: string, counts: GitCounts, timeoutMs: number | undefined): Promise<void> {
  await runGit(["fetch", "--prune", "--quiet", "--no-write-fetch-head", "--", remote.url, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"], {
    cwd: dir,
    remote,
    counts,
    timeoutMs,
  });
}
