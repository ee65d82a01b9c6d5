import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { SlipwayError } from "../errors/index.js";
import { gitFailure, runGit, spawnGit, type GitCounts } from "./git.js";
import { matchesPaths, normalizeSourcePath, pathspecs } from "./paths.js";

/** Reads of one commit in a (bare) mirror. Commits are object ids (hex); paths are source paths. */

export interface CommitInfo {
  readonly sha: string;
  /** The committer time. */
  readonly time: Date;
  /** "Name <email>" */
  readonly author: string;
  readonly subject: string;
}

/** What the `version-count-sha` tag scheme reads of a commit (src/builder/version.ts decides the version). */
export interface VersionFacts {
  /** `git rev-list --count <commit>`: every commit it contains, so it only grows along a branch. */
  readonly count: number;
  /** 7 characters. */
  readonly sha: string;
  /** The last version tag reachable (vX.Y.Z or X.Y.Z), if any. */
  readonly lastTag?: string;
  /** The content of the VERSION file at the root of the tree, if there is one. */
  readonly versionFile?: string;
}

/** Writes the files under `path` at `commit` into `dest` without the `path/` prefix ("" = the whole tree). */
export async function exportTree(mirrorDir: string, commit: string, path: string, dest: string, counts?: GitCounts): Promise<void> {
  assertCommit(commit);
  const dir = normalizeSourcePath(path);
  mkdirSync(dest, { recursive: true });
  const args = ["archive", "--format=tar", commit, "--", ...(dir === "" ? [] : [`:(top,literal)${dir}`])];
  const git = spawnGit(args, { cwd: mirrorDir, counts });
  const strip = dir === "" ? 0 : dir.split("/").length;
  const tar = spawn("tar", ["-x", "-f", "-", "-C", dest, "--no-same-owner", `--strip-components=${strip}`], { stdio: ["pipe", "ignore", "pipe"] });
  git.stdout?.pipe(tar.stdin);
  tar.stdin.on("error", () => undefined);
  const gitErr = collect(git.stderr);
  const tarErr = collect(tar.stderr);
  const [gitCode, tarCode] = await Promise.all([exitOf(git), exitOf(tar)]);
  if (gitCode !== 0) {
    const stderr = gitErr.join("");
    if (/did not match any files/.test(stderr)) throw pathNotFound(path, commit);
    throw gitFailure(args, gitCode, stderr);
  }
  if (tarCode !== 0)
    throw new SlipwayError("GIT_FAILED", `tar could not unpack ${path || "the tree"} at ${commit.slice(0, 12)} into ${dest}`, {
      details: tarErr.join("").trim().split("\n").slice(-5),
    });
}

/** Whether `path` is a file (not a directory) at `commit`. */
export async function fileExists(mirrorDir: string, commit: string, path: string, counts?: GitCounts): Promise<boolean> {
  assertCommit(commit);
  const file = normalizeSourcePath(path);
  if (file === "") return false;
  const { stdout, exitCode, stderr } = await runGit(["cat-file", "-t", `${commit}:${file}`], { cwd: mirrorDir, counts, okExitCodes: [128] });
  if (exitCode === 0) return stdout.trim() === "blob";
  if (/does not exist in|exists on disk, but not in|Not a valid object name/.test(stderr) && (await hasCommit(mirrorDir, commit, counts))) return false;
  throw gitFailure(["cat-file"], exitCode, stderr);
}

/** Whether the mirror holds `commit` (as a commit object). */
export async function hasCommit(mirrorDir: string, commit: string, counts?: GitCounts): Promise<boolean> {
  assertCommit(commit);
  const { exitCode } = await runGit(["cat-file", "-e", `${commit}^{commit}`], { cwd: mirrorDir, counts, okExitCodes: [1, 128] });
  return exitCode === 0;
}

/** Files changed between two commits (both sides of a rename), within `paths` when given. */
export async function changedPaths(mirrorDir: string, from: string, to: string, paths: readonly string[] = [], counts?: GitCounts): Promise<string[]> {
  assertCommit(from);
  assertCommit(to);
  const { stdout } = await runGit(["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--end-of-options", from, to, "--"], {
    cwd: mirrorDir,
    counts,
  });
  return stdout.split("\0").filter((file) => file !== "" && matchesPaths(file, paths));
}

/** The last commit at or before `commit` that touched any of `paths`; no paths (or "") = `commit` itself. */
export async function lastCommitTouching(mirrorDir: string, commit: string, paths: readonly string[], counts?: GitCounts): Promise<string> {
  assertCommit(commit);
  const specs = paths.map(normalizeSourcePath).filter((path) => path !== "");
  if (specs.length === 0 || specs.length < paths.length) return fullSha(mirrorDir, commit, counts);
  const { stdout } = await runGit(["log", "-1", "--format=%H", "--end-of-options", commit, "--", ...pathspecs(specs)], { cwd: mirrorDir, counts });
  const sha = stdout.trim();
  if (sha === "") throw pathNotFound(specs.join(", "), commit);
  return sha;
}

export async function commitInfo(mirrorDir: string, commit: string, counts?: GitCounts): Promise<CommitInfo> {
  assertCommit(commit);
  const { stdout } = await runGit(["log", "-1", "--no-walk", "--format=%H%x00%ct%x00%an <%ae>%x00%s", "--end-of-options", commit, "--"], {
    cwd: mirrorDir,
    counts,
  });
  const [sha = "", time = "0", author = "", subject = ""] = stdout.replace(/\n$/, "").split("\0");
  return { sha, time: new Date(Number(time) * 1000), author, subject };
}

/** For the `version-count-sha` tag scheme: the commit count, short sha, last version tag and VERSION file of a commit. */
export async function versionFacts(mirrorDir: string, commit: string, counts?: GitCounts): Promise<VersionFacts> {
  const sha = await fullSha(mirrorDir, commit, counts);
  const [total, lastTag, versionFile] = await Promise.all([
    runGit(["rev-list", "--count", "--end-of-options", sha, "--"], { cwd: mirrorDir, counts }),
    lastVersionTag(mirrorDir, sha, counts),
    readBlob(mirrorDir, sha, "VERSION", counts),
  ]);
  return {
    count: Number(total.stdout.trim()),
    sha: sha.slice(0, 7),
    ...(lastTag === undefined ? {} : { lastTag }),
    ...(versionFile === undefined ? {} : { versionFile }),
  };
}

/** The nearest version tag (vX.Y.Z or X.Y.Z) reachable from `commit`, or undefined. */
export async function lastVersionTag(mirrorDir: string, commit: string, counts?: GitCounts): Promise<string | undefined> {
  assertCommit(commit);
  const args = ["describe", "--tags", "--abbrev=0", "--match", "v[0-9]*.[0-9]*.[0-9]*", "--match", "[0-9]*.[0-9]*.[0-9]*", "--end-of-options", commit];
  const { stdout, exitCode } = await runGit(args, { cwd: mirrorDir, counts, okExitCodes: [128] });
  const tag = stdout.trim();
  return exitCode === 0 && tag !== "" ? tag : undefined;
}

/** The content of the file `path` at `commit` (UTF-8), or undefined when it is not a file there. */
export async function readBlob(mirrorDir: string, commit: string, path: string, counts?: GitCounts): Promise<string | undefined> {
  if (!(await fileExists(mirrorDir, commit, path, counts))) return undefined;
  const { stdout } = await runGit(["cat-file", "blob", `${commit}:${normalizeSourcePath(path)}`], { cwd: mirrorDir, counts });
  return stdout;
}

async function fullSha(mirrorDir: string, commit: string, counts?: GitCounts): Promise<string> {
  if (/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(commit)) return commit;
  const { stdout } = await runGit(["rev-parse", "--verify", "--end-of-options", `${commit}^{commit}`], { cwd: mirrorDir, counts });
  return stdout.trim();
}

/** Commits reach git only as object ids, never as names git could read as options or revisions. */
export function assertCommit(commit: string): void {
  if (/^[0-9a-f]{4,64}$/.test(commit)) return;
  throw new SlipwayError("INTERNAL", `"${commit.slice(0, 80)}" is not a commit id`);
}

/** A path that is not in the tree at a commit (nor in its history). */
export function pathNotFound(path: string, commit: string): SlipwayError {
  return new SlipwayError("GIT_PATH_NOT_FOUND", `"${path}" does not exist at commit ${commit.slice(0, 12)}`, {
    hint: "check the path (the image's context or the source's `paths:`) against the repository at that commit",
  });
}

function collect(stream: NodeJS.ReadableStream | null): string[] {
  const chunks: string[] = [];
  stream?.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  return chunks;
}

function exitOf(child: {
  on(event: "close", listener: (code: number | null) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}): Promise<number> {
  return new Promise((resolve) => {
    child.on("error", () => resolve(-1));
    child.on("close", (code) => resolve(code ?? -1));
  });
}
