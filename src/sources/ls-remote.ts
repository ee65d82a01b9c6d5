import { closest, distance } from "fastest-levenshtein";
import { SlipwayError } from "../errors/index.js";
import { validateBranch } from "./branch.js";
import { runGit, type GitCounts } from "./git.js";
import type { Remote } from "./remote.js";

export interface LsRemoteOptions {
  readonly counts?: GitCounts;
  readonly timeoutMs?: number;
}

const LS_REMOTE_TIMEOUT_MS = 2 * 60_000;
const LISTED_BRANCHES = 8;

/** The remote's branches and tags (`refs/heads/main` -> sha; peeled tags as `refs/tags/v1^{}`), one ls-remote. */
export async function lsRemote(remote: Remote, options: LsRemoteOptions = {}): Promise<Map<string, string>> {
  return listRefs(remote, ["--heads", "--tags"], options);
}

/** The commit a branch points at in the remote: one ls-remote; a missing branch lists those that exist. */
export async function headOf(remote: Remote, branch: string, options: LsRemoteOptions = {}): Promise<string> {
  validateBranch(branch);
  const heads = await listRefs(remote, ["--heads"], options);
  const sha = heads.get(`refs/heads/${branch}`);
  if (sha !== undefined) return sha;
  throw branchNotFound(
    remote,
    branch,
    [...heads.keys()].map((ref) => ref.slice("refs/heads/".length)),
  );
}

async function listRefs(remote: Remote, kinds: readonly string[], options: LsRemoteOptions): Promise<Map<string, string>> {
  const { stdout } = await runGit(["ls-remote", ...kinds, "--", remote.url], {
    remote,
    counts: options.counts,
    timeoutMs: options.timeoutMs ?? LS_REMOTE_TIMEOUT_MS,
  });
  const refs = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const [sha, ref] = line.split("\t");
    if (sha && ref) refs.set(ref, sha);
  }
  return refs;
}

export function branchNotFound(remote: Remote, branch: string, branches: readonly string[]): SlipwayError {
  const sorted = [...branches].sort();
  const shown = sorted.slice(0, LISTED_BRANCHES).join(", ");
  const more = sorted.length > LISTED_BRANCHES ? ` and ${sorted.length - LISTED_BRANCHES} more` : "";
  const details = sorted.length === 0 ? ["the remote has no branches"] : [`branches there: ${shown}${more}`];
  const guess = sorted.length === 0 ? undefined : closest(branch, sorted);
  const near = guess !== undefined && distance(branch, guess) <= Math.max(2, Math.floor(branch.length / 3));
  return new SlipwayError("GIT_BRANCH_NOT_FOUND", `the branch "${branch}" does not exist in ${remote.display}`, {
    details,
    hint: near ? `did you mean "${guess}"? Fix \`branch:\` in the source` : "fix `branch:` in the source, or push the branch",
  });
}
