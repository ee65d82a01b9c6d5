import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createGitCounts, fileExists, lastCommitTouching, openMirrorReader, openMirrors, pathspecs } from "../../../src/sources/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { createRepo, tempDir, type GitFixture } from "./git-fixture.js";

/** What `git log -1` itself answers: the command the batched reader replaces. */
function gitAnswer(repo: GitFixture, commit: string, paths: readonly string[]): string {
  return execFileSync("git", ["log", "-1", "--format=%H", "--end-of-options", commit, "--", ...pathspecs(paths)], { cwd: repo.dir, encoding: "utf8" }).trim();
}

function commits(repo: GitFixture): string[] {
  return repo
    .git("rev-list", "--all")
    .split("\n")
    .filter((line) => line !== "");
}

/**
 * A history with what makes "last commit touching" hard: a rename, a deletion, a path added
 * back, a mode change, merges that take one side, both sides or neither (`-s ours`), a merge
 * of an up-to-date branch, and a commit dated before its parent.
 */
function tangledRepo(dir: string): GitFixture & { readonly head: string } {
  const repo = createRepo(dir);
  repo.commit("start", "2024-01-01T10:00:00Z", {
    "app/Dockerfile": "FROM a\n",
    "app/src/main.py": "1\n",
    "lib/util.py": "u1\n",
    "docs/readme.md": "r1\n",
    "old.txt": "o\n",
  });
  repo.commit("rename old.txt", "2024-01-02T10:00:00Z", { "old.txt": null, "new.txt": "o\n" });
  repo.git("checkout", "--quiet", "-b", "feature");
  repo.commit("feature: lib", "2024-01-03T10:00:00Z", { "lib/util.py": "u2\n" });
  repo.commit("feature: app", "2024-01-05T10:00:00Z", { "app/src/main.py": "2\n" });
  repo.git("checkout", "--quiet", "main");
  repo.commit("main: docs", "2024-01-04T10:00:00Z", { "docs/readme.md": "r2\n" });
  repo.commit("main: delete lib", "2024-01-06T10:00:00Z", { "lib/util.py": null });
  execFileSync("git", ["merge", "--quiet", "--no-ff", "-s", "ours", "-m", "ours merge", "feature"], { cwd: dir, env: dated("2024-01-07T10:00:00Z") });
  repo.git("checkout", "--quiet", "-b", "side");
  repo.commit("side: chmod run.sh and app", "2024-01-08T10:00:00Z", { "app/run.sh": "#!/bin/sh\n", "app/src/main.py": "3\n" }, ["app/run.sh"]);
  repo.git("checkout", "--quiet", "main");
  repo.commit("main: lib back", "2024-01-09T10:00:00Z", { "lib/util.py": "u3\n" });
  execFileSync("git", ["merge", "--quiet", "--no-ff", "-m", "real merge", "side"], { cwd: dir, env: dated("2024-01-10T10:00:00Z") });
  repo.git("checkout", "--quiet", "-b", "late");
  repo.commit("skewed: dated before its parent", "2023-12-01T10:00:00Z", { "docs/readme.md": "r3\n" });
  repo.git("checkout", "--quiet", "main");
  execFileSync("git", ["merge", "--quiet", "--no-ff", "-m", "up-to-date merge", "late"], { cwd: dir, env: dated("2024-01-11T10:00:00Z") });
  repo.commit("mode only", "2024-01-12T10:00:00Z", {}, []);
  execFileSync("chmod", ["+x", join(dir, "app/src/main.py")]);
  repo.commit("chmod main.py", "2024-01-13T10:00:00Z", {});
  return { ...repo, head: repo.git("rev-parse", "HEAD") };
}

function dated(date: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Ana Lopez",
    GIT_AUTHOR_EMAIL: "ana@example.com",
    GIT_COMMITTER_NAME: "Ana Lopez",
    GIT_COMMITTER_EMAIL: "ana@example.com",
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

const PATHS: readonly (readonly string[])[] = [
  ["app"],
  ["app/"],
  ["app/src/main.py"],
  ["app/run.sh"],
  ["app/Dockerfile"],
  ["lib"],
  ["lib/util.py"],
  ["docs/"],
  ["old.txt"],
  ["new.txt"],
  ["docs", "lib"],
  ["app/src", "new.txt"],
  ["app/*.sh"],
  ["**/*.py"],
];

test("the batched reader answers as `git log -1` does, for every commit and path, across renames, deletions and merges", async (t) => {
  const repo = tangledRepo(join(tempDir(t), "repo"));
  const counts = createGitCounts();
  const reader = openMirrorReader(repo.dir, { counts, idleMs: 60_000 }); // not ended while the test runs git itself
  let compared = 0;
  for (const commit of commits(repo)) {
    for (const paths of PATHS) {
      const expected = gitAnswer(repo, commit, paths);
      if (expected === "") {
        await assert.rejects(reader.lastCommitTouching(commit, paths), (e) => isSlipwayError(e, "GIT_PATH_NOT_FOUND"), `${paths.join(",")} at ${commit}`);
      } else {
        assert.equal(await reader.lastCommitTouching(commit, paths), expected, `${paths.join(",")} at ${commit.slice(0, 7)}`);
        compared += 1;
      }
    }
  }
  assert.ok(compared > 100, `only ${compared} answers compared`);
  // Every question without a wildcard was answered by the one cat-file; each wildcard one by `git log -1`.
  const wildcardQuestions = commits(repo).length * PATHS.filter((paths) => paths.some((p) => p.includes("*"))).length;
  assert.equal(counts.other, 1 + wildcardQuestions, `git processes for ${commits(repo).length * PATHS.length} questions`);
});

test("a path never touched is GIT_PATH_NOT_FOUND naming it; the whole tree is the commit itself", async (t) => {
  const repo = tangledRepo(join(tempDir(t), "repo"));
  const reader = openMirrorReader(repo.dir);
  await assert.rejects(reader.lastCommitTouching(repo.head, ["nope/"]), (e) => isSlipwayError(e, "GIT_PATH_NOT_FOUND") && /"nope"/.test(e.message));
  assert.equal(await reader.lastCommitTouching(repo.head, []), repo.head);
  assert.equal(await reader.lastCommitTouching(repo.head, ["", "app"]), repo.head);
  assert.equal(await reader.lastCommitTouching(repo.head, ["./app//"]), await lastCommitTouching(repo.dir, repo.head, ["app"]));
});

test("many paths of one source cost one git process (cat-file)", async (t) => {
  const repo = createRepo(join(tempDir(t), "repo"));
  const files: Record<string, string> = {};
  for (let i = 0; i < 20; i += 1) files[`img${i}/Dockerfile`] = `FROM base\nRUN echo ${i}\n`;
  repo.commit("all images", "2024-01-01T10:00:00Z", files);
  const c2 = repo.commit("img3 changes", "2024-01-02T10:00:00Z", { "img3/Dockerfile": "FROM base\nRUN echo changed\n" });
  const counts = createGitCounts();
  const reader = openMirrorReader(repo.dir, { counts, idleMs: 60_000 });
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => reader.lastCommitTouching(c2, [`img${i}`])));
  const exists = await Promise.all(Array.from({ length: 20 }, (_, i) => reader.fileExists(answers[i] ?? "", `img${i}/Dockerfile`)));
  assert.equal(answers[3], c2);
  assert.deepEqual(new Set(answers.filter((_, i) => i !== 3)).size, 1);
  assert.ok(exists.every(Boolean));
  assert.equal(await reader.hasCommit(c2), true);
  assert.equal(await reader.hasCommit("0123456789abcdef0123456789abcdef01234567"), false);
  assert.deepEqual(counts, { lsRemote: 0, fetch: 0, clone: 0, other: 1 });
});

test("fileExists is true for files and symlinks only, at the given commit, as the single command says", async (t) => {
  const repo = createRepo(join(tempDir(t), "repo"));
  const c1 = repo.commit("one", "2024-01-01T10:00:00Z", { "app/Dockerfile": "FROM a\n", "app/run.sh": "#!/bin/sh\n", "top.txt": "t\n" }, ["app/run.sh"]);
  symlinkSync("Dockerfile", join(repo.dir, "app/Dockerfile.link"));
  const c2 = repo.commit("two", "2024-01-02T10:00:00Z", { "app/Dockerfile.prod": "FROM b\n", "top.txt": null });
  const reader = openMirrorReader(repo.dir);
  const cases: [string, string][] = [
    [c1, "app/Dockerfile"],
    [c1, "app/Dockerfile.prod"],
    [c2, "app/Dockerfile.prod"],
    [c1, "app/run.sh"],
    [c2, "app/Dockerfile.link"],
    [c1, "app"],
    [c1, "app/"],
    [c1, "top.txt"],
    [c2, "top.txt"],
    [c2, "nope/Dockerfile"],
    [c2, "app/Dockerfile/x"],
    [c2, ""],
  ];
  for (const [commit, path] of cases) {
    assert.equal(await reader.fileExists(commit, path), await fileExists(repo.dir, commit, path), `${path} at ${commit.slice(0, 7)}`);
  }
  assert.equal(await reader.fileExists(c2, "app/Dockerfile.link"), true);
  assert.equal(await reader.fileExists(c2, "app"), false);
  await assert.rejects(reader.fileExists("0123456789abcdef0123456789abcdef01234567", "app/Dockerfile"), (e) => isSlipwayError(e, "GIT_FAILED"));
});

test("idle batch processes end by themselves and start again on the next question", async (t) => {
  const repo = tangledRepo(join(tempDir(t), "repo"));
  const counts = createGitCounts();
  const reader = openMirrorReader(repo.dir, { counts, idleMs: 50 });
  const first = await reader.lastCommitTouching(repo.head, ["lib"]);
  assert.equal(first, gitAnswer(repo, repo.head, ["lib"]));
  await sleep(200);
  assert.equal(await reader.lastCommitTouching(repo.head, ["docs"]), gitAnswer(repo, repo.head, ["docs"]));
  assert.equal(await reader.fileExists(repo.head, "app/Dockerfile"), true);
  assert.equal(counts.other, 2, "the idle cat-file was not ended and restarted");
});

test("through the mirrors, a fetched commit is visible to the batch reader that ran before the fetch", async (t) => {
  const dir = tempDir(t);
  const repo = createRepo(join(dir, "app1"));
  const c1 = repo.commit("one", "2024-01-01T10:00:00Z", { "app/Dockerfile": "FROM a\n" });
  const mirrors = openMirrors({ cacheDir: join(dir, "cache"), baseDir: dir });
  const source = { name: "app1", repo: "app1", branch: "main" };
  const mirror = await mirrors.ensure(source, c1);
  assert.equal(await mirrors.reader(mirror.dir).fileExists(c1, "app/Dockerfile"), true);
  const c2 = repo.commit("two", "2024-01-02T10:00:00Z", { "app/Dockerfile.prod": "FROM b\n" });
  assert.equal(await mirrors.reader(mirror.dir).hasCommit(c2), false);
  await mirrors.ensure(source, c2);
  assert.equal(mirrors.stats().fetch, 1);
  assert.equal(await mirrors.reader(mirror.dir).fileExists(c2, "app/Dockerfile.prod"), true);
  assert.equal(await mirrors.reader(mirror.dir).lastCommitTouching(c2, ["app/Dockerfile.prod"]), c2);
});
