import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A real git repository in a temp dir, written commit by commit with fixed dates. */
export interface GitFixture {
  readonly dir: string;
  git(...args: string[]): string;
  /** Writes files (null deletes), commits them at `date`, returns the sha. */
  commit(message: string, date: string, files: Readonly<Record<string, string | null>>, executable?: readonly string[]): string;
}

const env = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Ana Lopez",
  GIT_AUTHOR_EMAIL: "ana@example.com",
  GIT_COMMITTER_NAME: "Ana Lopez",
  GIT_COMMITTER_EMAIL: "ana@example.com",
};

export function tempDir(t: { after(fn: () => void): void }, prefix = "slipway-git-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function createRepo(dir: string): GitFixture {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" }).trim();
  git("init", "--quiet", "--initial-branch=main");
  return {
    dir,
    git,
    commit(message, date, files, executable = []) {
      for (const [path, content] of Object.entries(files)) {
        const file = join(dir, path);
        if (content === null) {
          rmSync(file);
          continue;
        }
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
        if (executable.includes(path)) chmodSync(file, 0o755);
      }
      git("add", "--all");
      execFileSync("git", ["commit", "--quiet", "--allow-empty", "-m", message], {
        cwd: dir,
        env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
      return git("rev-parse", "HEAD");
    },
  };
}

/**
 * The data team's app repository: three commits on main, a v1.0.0 tag on the first,
 * and branches release (first commit), develop and test.1.
 */
export function createAppRepo(dir: string): GitFixture & { readonly c1: string; readonly c2: string; readonly c3: string } {
  const repo = createRepo(dir);
  const c1 = repo.commit(
    "First version",
    "2024-01-01T10:00:00Z",
    {
      "app/Dockerfile": "FROM python:3.12-slim\nCOPY src /app\n",
      "app/src/main.py": "print('v1')\n",
      "app/run.sh": "#!/bin/sh\nexec python /app/main.py\n",
      "docs/readme.md": "# App\n",
      "setup.py": "from setuptools import setup\n",
    },
    ["app/run.sh"],
  );
  repo.git("tag", "v1.0.0");
  repo.git("branch", "release");
  const c2 = repo.commit("Docs only", "2024-01-02T10:00:00Z", { "docs/readme.md": "# App\n\nMore docs.\n" });
  const c3 = repo.commit("Main v2 and a prod Dockerfile", "2024-01-03T10:00:00Z", {
    "app/src/main.py": "print('v2')\n",
    "app/Dockerfile.prod": "FROM python:3.12-slim\n",
  });
  repo.git("branch", "develop");
  repo.git("branch", "test.1");
  return { ...repo, c1, c2, c3 };
}
