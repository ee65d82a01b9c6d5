import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Commits made by the benchmark: no user or system git config, a fixed identity. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Slipway Bench",
  GIT_AUTHOR_EMAIL: "bench@slipway.invalid",
  GIT_COMMITTER_NAME: "Slipway Bench",
  GIT_COMMITTER_EMAIL: "bench@slipway.invalid",
};

/** File path -> content; null deletes the file. */
export type Files = Readonly<Record<string, string | null>>;

async function git(cwd: string, args: readonly string[]): Promise<string> {
  return (await run("git", [...args], { cwd, env: GIT_ENV })).stdout.trim();
}

/** A bare repository at `remote` whose branch holds `files` in one commit. */
export async function createBareRepo(remote: string, branch: string, files: Files): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "slipway-bench-tree-"));
  try {
    await git(work, ["init", "-q", "-b", branch]);
    writeFiles(work, files);
    await git(work, ["add", "--all"]);
    await git(work, ["commit", "-q", "-m", "initial"]);
    mkdirSync(dirname(remote), { recursive: true });
    await git(work, ["clone", "-q", "--bare", "--", work, remote]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Clones `remote`, writes `files`, commits and pushes; returns the new commit. */
export async function commitTo(remote: string, message: string, files: Files, executable: readonly string[] = []): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "slipway-bench-clone-"));
  try {
    await git(work, ["clone", "-q", "--", remote, "."]);
    writeFiles(work, files);
    for (const path of executable) chmodSync(join(work, path), 0o755);
    await git(work, ["add", "--all"]);
    await git(work, ["commit", "-q", "-m", message]);
    await git(work, ["push", "-q", "origin", "HEAD"]);
    return await git(work, ["rev-parse", "HEAD"]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function writeFiles(dir: string, files: Files): void {
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path);
    if (content === null) {
      rmSync(file, { force: true });
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}
