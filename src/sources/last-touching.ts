/** What the search reads of a repository: a commit's parents, and path entries compared between commits. */
export interface HistoryAccess {
  parents(commit: string): Promise<readonly string[]>;
  /** Whether `commit` and `parent` hold the same entries (mode and object, or none) at every path. */
  sameAtPaths(commit: string, parent: string): Promise<boolean>;
  /** Whether a root commit holds any of the paths. */
  holdsAnyPath(commit: string): Promise<boolean>;
}

/**
 * The commit `git log -1 --format=%H <start> -- <paths>` prints, found by reading objects
 * instead of starting git per question. It follows git's default history simplification:
 * - a root commit is shown when it holds one of the paths;
 * - any other commit is compared with its parents in order: equal to one of them at the paths
 *   (the first such), it is hidden and only that parent is followed; equal to none, it is shown.
 * With default simplification a hidden commit leaves exactly one parent to follow, so git's
 * date-ordered queue never holds two commits before the first one shown: the walk is a chain.
 * The first commit shown is the answer; undefined when the paths were never there.
 */
export async function lastCommitTouchingIn(history: HistoryAccess, start: string): Promise<string | undefined> {
  const visited = new Set<string>();
  for (let commit: string | undefined = start; commit !== undefined && !visited.has(commit);) {
    visited.add(commit);
    const parents = await history.parents(commit);
    if (parents.length === 0) return (await history.holdsAnyPath(commit)) ? commit : undefined;
    const followed: string | undefined = await firstSame(history, commit, parents);
    if (followed === undefined) return commit;
    commit = followed;
  }
  return undefined;
}

async function firstSame(history: HistoryAccess, commit: string, parents: readonly string[]): Promise<string | undefined> {
  for (const parent of parents) {
    if (await history.sameAtPaths(commit, parent)) return parent;
  }
  return undefined;
}
