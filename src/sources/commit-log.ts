import { runGit, type GitCounts } from "./git.js";
import { normalizeSourcePath, pathspecs } from "./paths.js";
import { assertCommit, hasCommit } from "./tree.js";

/** How a mirror relates two commits, `from` (what ran) and `to` (what runs now). */
export type CommitLog =
  | { readonly kind: "same" }
  /** A commit is not in the mirror (garbage-collected after a force push, or never fetched). */
  | { readonly kind: "unknown"; readonly missing: string }
  /**
   * The commits `git log from..to` shows, newest first: at most `limit` subjects of `total`.
   * `rewritten`: `from` is not an ancestor of `to` (the branch was force-pushed or switched),
   * so these are the commits of `to` that `from` did not have.
   */
  | { readonly kind: "commits"; readonly subjects: readonly string[]; readonly total: number; readonly rewritten: boolean }
  /** `to` is an ancestor of `from`: going back `total` commits. */
  | { readonly kind: "behind"; readonly total: number };

export interface CommitLogOptions {
  /** Source paths the commits must touch (the image's context, a source's `paths:`); none: every commit. */
  readonly paths?: readonly string[];
  /** The most subjects to read. */
  readonly limit: number;
  readonly counts?: GitCounts;
}

/** The commit subjects between two commits of a (bare) mirror, like `git log --format=%s from..to -- paths`. */
export async function commitLog(mirrorDir: string, from: string, to: string, options: CommitLogOptions): Promise<CommitLog> {
  assertCommit(from);
  assertCommit(to);
  if (from === to) return { kind: "same" };
  for (const commit of [to, from]) {
    if (!(await hasCommit(mirrorDir, commit, options.counts))) return { kind: "unknown", missing: commit };
  }
  // The whole tree ("" among the paths) takes no pathspec: a bare mirror matches none for ":(top)." (as lastCommitTouching).
  const paths = (options.paths ?? []).map(normalizeSourcePath);
  const where = paths.length === 0 || paths.includes("") ? [] : pathspecs(paths);
  const git = { cwd: mirrorDir, ...(options.counts === undefined ? {} : { counts: options.counts }) };
  const ancestor = async (older: string, newer: string): Promise<boolean> =>
    (await runGit(["merge-base", "--is-ancestor", "--end-of-options", older, newer], { ...git, okExitCodes: [1] })).exitCode === 0;
  const count = async (range: string): Promise<number> =>
    Number((await runGit(["rev-list", "--count", "--end-of-options", range, "--", ...where], git)).stdout.trim());

  const rewritten = !(await ancestor(from, to));
  if (rewritten && (await ancestor(to, from))) return { kind: "behind", total: await count(`${to}..${from}`) };
  const range = `${from}..${to}`;
  const total = await count(range);
  const { stdout } = await runGit(["log", `--max-count=${options.limit}`, "--format=%s%x00", "--end-of-options", range, "--", ...where], git);
  const subjects = stdout
    .split("\0")
    .map((subject) => subject.trim())
    .filter((subject) => subject !== "");
  return { kind: "commits", subjects, total, rewritten };
}
