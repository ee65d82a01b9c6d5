import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { validateBranch } from "./branch.js";
import { runGit } from "./git.js";
import { mirrorName, type SourceSpec } from "./mirror.js";
import { validateRemote } from "./remote.js";

/** A source's branch as this machine already has it: a repository directory and the branch's commit there. */
export interface OfflineTree {
  /** A git directory the tree functions (tree.ts) can read. */
  readonly dir: string;
  readonly commit: string;
  /** Where it was read: the source's own repository (a path or file:// remote), or the mirror of its last fetch. */
  readonly from: "repository" | "mirror";
}

/**
 * The source's branch without the network, for checks that must not fetch (slipway validate):
 * a local repository (a path or file:// remote) is read where it is; another remote through its
 * mirror under `cacheDir`, at the branch as last fetched. Undefined when neither is here, or
 * the branch is not in it.
 */
export async function offlineTree(source: SourceSpec, options: { readonly cacheDir: string; readonly baseDir: string }): Promise<OfflineTree | undefined> {
  const branch = validateBranch(source.branch);
  const remote = validateRemote(source.repo, { baseDir: options.baseDir });
  const local = remote.kind === "local" || remote.kind === "file";
  const dir = local ? (remote.kind === "file" ? remote.display : remote.url) : join(resolve(options.cacheDir), mirrorName(remote));
  if (!isRepository(dir)) return undefined;
  const { stdout, exitCode } = await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/heads/${branch}^{commit}`], {
    cwd: dir,
    okExitCodes: [1, 128],
  });
  const commit = stdout.trim();
  if (exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(commit)) return undefined;
  return { dir, commit, from: local ? "repository" : "mirror" };
}

/** A bare repository or a work tree's top (never a directory inside some other repository). */
function isRepository(dir: string): boolean {
  return (existsSync(join(dir, "HEAD")) && existsSync(join(dir, "objects"))) || existsSync(join(dir, ".git"));
}
