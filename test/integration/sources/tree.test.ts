import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  changedPaths,
  commitInfo,
  versionFacts,
  exportTree,
  fileExists,
  lastCommitTouching,
  matchesPaths,
  openMirrors,
  pathspecs,
} from "../../../src/sources/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { createAppRepo, createRepo, tempDir } from "./git-fixture.js";

async function mirrorOf(t: { after(fn: () => void): void }) {
  const dir = tempDir(t);
  const repo = createAppRepo(join(dir, "app1"));
  const mirrors = openMirrors({ cacheDir: join(dir, "cache"), baseDir: dir });
  const mirror = await mirrors.ensure({ name: "app1", repo: "app1", branch: "main" }, repo.c3);
  return { dir, repo, mirror: mirror.dir };
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix))
    .flatMap((name) => {
      const path = prefix === "" ? name : `${prefix}/${name}`;
      return statSync(join(dir, path)).isDirectory() ? listFiles(dir, path) : [path];
    })
    .sort();
}

test("exportTree writes a directory's content at a commit without its prefix, modes kept", async (t) => {
  const { dir, repo, mirror } = await mirrorOf(t);
  const dest = join(dir, "out-app");
  await exportTree(mirror, repo.c3, "app/", dest);
  assert.deepEqual(listFiles(dest), ["Dockerfile", "Dockerfile.prod", "run.sh", "src/main.py"]);
  assert.equal(readFileSync(join(dest, "src/main.py"), "utf8"), "print('v2')\n");
  assert.equal(statSync(join(dest, "run.sh")).mode & 0o111, 0o111, "run.sh lost its executable bit");

  const old = join(dir, "out-old");
  await exportTree(mirror, repo.c1, "app/src", old);
  assert.deepEqual(listFiles(old), ["main.py"]);
  assert.equal(readFileSync(join(old, "main.py"), "utf8"), "print('v1')\n");
});

test("exportTree of the empty path writes the whole tree; a missing path is GIT_PATH_NOT_FOUND", async (t) => {
  const { dir, repo, mirror } = await mirrorOf(t);
  const dest = join(dir, "out-all");
  await exportTree(mirror, repo.c2, "", dest);
  assert.deepEqual(listFiles(dest), ["app/Dockerfile", "app/run.sh", "app/src/main.py", "docs/readme.md", "setup.py"]);
  await assert.rejects(
    exportTree(mirror, repo.c1, "app/Dockerfile.prod-nope", join(dir, "x")),
    (e) => isSlipwayError(e, "GIT_PATH_NOT_FOUND") && /Dockerfile\.prod-nope/.test(e.message),
  );
});

test("fileExists is true for files only, at the given commit", async (t) => {
  const { repo, mirror } = await mirrorOf(t);
  assert.equal(await fileExists(mirror, repo.c3, "app/Dockerfile.prod"), true);
  assert.equal(await fileExists(mirror, repo.c1, "app/Dockerfile.prod"), false, "the file came in a later commit");
  assert.equal(await fileExists(mirror, repo.c3, "app"), false, "a directory is not a file");
  assert.equal(await fileExists(mirror, repo.c3, "app/Dockerfile/x"), false);
  await assert.rejects(fileExists(mirror, "0123456789abcdef0123456789abcdef01234567", "setup.py"), (e) => isSlipwayError(e, "GIT_FAILED"));
});

test("changedPaths lists the files changed between two commits, within the given paths", async (t) => {
  const { repo, mirror } = await mirrorOf(t);
  assert.deepEqual(await changedPaths(mirror, repo.c1, repo.c3), ["app/Dockerfile.prod", "app/src/main.py", "docs/readme.md"]);
  assert.deepEqual(await changedPaths(mirror, repo.c1, repo.c3, ["app"]), ["app/Dockerfile.prod", "app/src/main.py"]);
  assert.deepEqual(await changedPaths(mirror, repo.c1, repo.c3, ["docs", "setup.py"]), ["docs/readme.md"]);
  assert.deepEqual(await changedPaths(mirror, repo.c1, repo.c3, ["app/**/*.py"]), ["app/src/main.py"]);
  assert.deepEqual(await changedPaths(mirror, repo.c2, repo.c3, ["docs"]), []);
});

test("lastCommitTouching finds the commit that last changed the paths, or the commit itself for the whole tree", async (t) => {
  const { repo, mirror } = await mirrorOf(t);
  assert.equal(await lastCommitTouching(mirror, repo.c3, ["app"]), repo.c3);
  assert.equal(await lastCommitTouching(mirror, repo.c3, ["docs"]), repo.c2);
  assert.equal(await lastCommitTouching(mirror, repo.c3, ["setup.py"]), repo.c1);
  assert.equal(await lastCommitTouching(mirror, repo.c3, ["setup.py", "docs/"]), repo.c2);
  assert.equal(await lastCommitTouching(mirror, repo.c2, ["app"]), repo.c1);
  assert.equal(await lastCommitTouching(mirror, repo.c3, ["*.py"]), repo.c1, "*.py is top-level files only");
  assert.equal(await lastCommitTouching(mirror, repo.c3, []), repo.c3);
  assert.equal(await lastCommitTouching(mirror, repo.c3.slice(0, 10), [""]), repo.c3);
  await assert.rejects(lastCommitTouching(mirror, repo.c3, ["nope"]), (e) => isSlipwayError(e, "GIT_PATH_NOT_FOUND") && /"nope"/.test(e.message));
});

test("commitInfo gives the committer time, author and subject", async (t) => {
  const { repo, mirror } = await mirrorOf(t);
  assert.deepEqual(await commitInfo(mirror, repo.c2), {
    sha: repo.c2,
    time: new Date("2024-01-02T10:00:00Z"),
    author: "Ana Lopez <ana@example.com>",
    subject: "Docs only",
  });
});

test("versionFacts: the count is every commit of the history (it does not restart at a tag), the last version tag, the VERSION file", async (t) => {
  const { dir, repo, mirror } = await mirrorOf(t);
  assert.deepEqual(await versionFacts(mirror, repo.c3), { count: 3, sha: repo.c3.slice(0, 7), lastTag: "v1.0.0" });
  assert.deepEqual(await versionFacts(mirror, repo.c1), { count: 1, sha: repo.c1.slice(0, 7), lastTag: "v1.0.0" });

  const untagged = createRepo(join(dir, "untagged"));
  untagged.commit("one", "2024-02-01T00:00:00Z", { a: "1" });
  untagged.git("tag", "not-a-version");
  const two = untagged.commit("two", "2024-02-02T00:00:00Z", { a: "2", VERSION: "1.4.0\n" });
  assert.deepEqual(await versionFacts(untagged.dir, two), { count: 2, sha: two.slice(0, 7), versionFile: "1.4.0\n" });
  untagged.git("tag", "2.0.0");
  const three = untagged.commit("three", "2024-02-03T00:00:00Z", { a: "3" });
  assert.deepEqual(await versionFacts(untagged.dir, three), { count: 3, sha: three.slice(0, 7), lastTag: "2.0.0", versionFile: "1.4.0\n" });
});

test("matchesPaths agrees with git on which files the same paths select", async (t) => {
  const dir = tempDir(t);
  const repo = createRepo(join(dir, "r"));
  const files = [
    "src/x.py",
    "src/a/b.py",
    "src/a/c/d.txt",
    "lib/c.py",
    "docs/r.md",
    "top.py",
    "srcfoo",
    "services/api/main.go",
    "services/web/main.go",
    "weird name.txt",
  ];
  repo.commit("files", "2024-01-01T00:00:00Z", Object.fromEntries(files.map((f) => [f, f])));
  const patterns = [
    "src",
    "src/",
    "src/*",
    "src/*.py",
    "*.py",
    "**/*.py",
    "src/**",
    "sr?",
    "src/a",
    "sr*",
    "[sl]*",
    "src/**/d.txt",
    "**/a",
    "services/[!w]*",
    "?",
    "weird name.txt",
    "nope",
  ];
  for (const pattern of patterns) {
    const byGit = execFileSync("git", ["ls-files", "-z", "--", ...pathspecs([pattern])], { cwd: repo.dir, encoding: "utf8" })
      .split("\0")
      .filter(Boolean)
      .sort();
    const byUs = files.filter((file) => matchesPaths(file, [pattern])).sort();
    assert.deepEqual(byUs, byGit, `pattern ${pattern}`);
  }
  assert.ok(existsSync(join(repo.dir, "srcfoo")));
});
