import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openMirrors, type SourceSpec } from "../../../src/sources/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { createAppRepo, tempDir } from "./git-fixture.js";

const execFileAsync = promisify(execFile);

function setup(t: { after(fn: () => void): void }) {
  const dir = tempDir(t);
  const repo = createAppRepo(join(dir, "app1"));
  const source: SourceSpec = { name: "app1", repo: "./app1", branch: "main" };
  return { dir, repo, source, cacheDir: join(dir, "cache") };
}

test("a mirror is cloned once, then fetched only when the wanted commit is missing", async (t) => {
  const { repo, source, cacheDir, dir } = setup(t);
  const mirrors = openMirrors({ cacheDir, baseDir: dir });

  const head = await mirrors.head(source);
  assert.equal(head, repo.c3);
  const first = await mirrors.ensure(source, head);
  assert.deepEqual(mirrors.stats(), { lsRemote: 1, fetch: 0, clone: 1, other: 1 });
  assert.equal(execFileSync("git", ["rev-parse", "refs/heads/main"], { cwd: first.dir, encoding: "utf8" }).trim(), repo.c3);

  // Planning again with unchanged sources: one ls-remote, no fetch.
  await mirrors.ensure(source, await mirrors.head(source));
  await mirrors.ensure(source, repo.c1);
  assert.deepEqual({ ...mirrors.stats(), other: 0 }, { lsRemote: 2, fetch: 0, clone: 1, other: 0 });

  const c4 = repo.commit("New work", "2024-01-04T10:00:00Z", { "app/src/main.py": "print('v3')\n" });
  const again = await mirrors.ensure(source, await mirrors.head(source));
  assert.equal(again.dir, first.dir);
  assert.equal(mirrors.stats().fetch, 1);
  assert.equal(execFileSync("git", ["rev-parse", "refs/heads/main"], { cwd: again.dir, encoding: "utf8" }).trim(), c4);

  // A fresh process (new Mirrors) over the same cache reuses the mirror on disk.
  const later = openMirrors({ cacheDir, baseDir: dir });
  await later.ensure(source, c4);
  assert.deepEqual({ ...later.stats(), other: 0 }, { lsRemote: 0, fetch: 0, clone: 0, other: 0 });
});

test("without a commit, ensure refreshes the mirror; a commit the remote lacks is GIT_BRANCH_NOT_FOUND", async (t) => {
  const { source, cacheDir, dir } = setup(t);
  const mirrors = openMirrors({ cacheDir, baseDir: dir });
  await mirrors.ensure(source);
  await mirrors.ensure(source);
  assert.equal(mirrors.stats().clone, 1);
  assert.equal(mirrors.stats().fetch, 1);
  const missing = "0123456789abcdef0123456789abcdef01234567";
  await assert.rejects(
    mirrors.ensure(source, missing),
    (e) => isSlipwayError(e, "GIT_BRANCH_NOT_FOUND") && e.message.includes(missing) && e.message.includes("app1"),
  );
  assert.equal(mirrors.stats().fetch, 2, "a missing commit is looked for in the remote once");
});

test("a pruned branch disappears from the mirror on the next fetch", async (t) => {
  const { repo, source, cacheDir, dir } = setup(t);
  const mirrors = openMirrors({ cacheDir, baseDir: dir });
  const mirror = await mirrors.ensure(source);
  repo.git("branch", "-D", "develop");
  await mirrors.ensure(source);
  const branches = execFileSync("git", ["for-each-ref", "--format=%(refname)", "refs/heads"], { cwd: mirror.dir, encoding: "utf8" }).trim().split("\n");
  assert.deepEqual(branches, ["refs/heads/main", "refs/heads/release", "refs/heads/test.1"]);
});

test("concurrent ensures of one source clone it once, and leave no lock or partial clone behind", async (t) => {
  const { repo, source, cacheDir, dir } = setup(t);
  const a = openMirrors({ cacheDir, baseDir: dir });
  const b = openMirrors({ cacheDir, baseDir: dir });
  const results = await Promise.all([a.ensure(source, repo.c3), b.ensure(source, repo.c3), a.ensure(source, repo.c2)]);
  assert.equal(new Set(results.map((m) => m.dir)).size, 1);
  assert.equal(a.stats().clone + b.stats().clone, 1);
  assert.equal(a.stats().fetch + b.stats().fetch, 0);
  assert.deepEqual(
    readdirSync(cacheDir).filter((name) => !name.endsWith(".git")),
    [],
  );
});

test("two processes ensuring the same mirror at once clone it once", async (t) => {
  const { repo, cacheDir, dir } = setup(t);
  const index = new URL("../../../src/sources/index.js", import.meta.url).href;
  const script = `
    const { openMirrors } = await import(${JSON.stringify(index)});
    const mirrors = openMirrors({ cacheDir: process.argv[1], baseDir: process.argv[2] });
    await mirrors.ensure({ name: "app1", repo: "./app1", branch: "main" }, process.argv[3]);
    process.stdout.write(JSON.stringify(mirrors.stats()));`;
  const run = async (): Promise<{ clone: number; fetch: number }> => {
    const { stdout } = await execFileAsync(process.execPath, ["--input-type=module", "-e", script, cacheDir, dir, repo.c3], { encoding: "utf8" });
    return JSON.parse(stdout) as { clone: number; fetch: number };
  };
  const stats = await Promise.all([run(), run(), run()]);
  assert.equal(
    stats.reduce((n, s) => n + s.clone, 0),
    1,
    JSON.stringify(stats),
  );
  assert.equal(
    stats.reduce((n, s) => n + s.fetch, 0),
    0,
    JSON.stringify(stats),
  );
  assert.ok(!readdirSync(cacheDir).some((name) => name.endsWith(".lock") || name.endsWith(".partial")));
});

test("mirrors of different remotes live in different directories named after the repository", async (t) => {
  const { source, cacheDir, dir } = setup(t);
  createAppRepo(join(dir, "other", "app1"));
  const mirrors = openMirrors({ cacheDir, baseDir: dir });
  const one = await mirrors.ensure(source);
  const two = await mirrors.ensure({ name: "app1-fork", repo: "other/app1", branch: "main" });
  assert.notEqual(one.dir, two.dir);
  assert.match(one.dir, /\/app1-[0-9a-f]{16}\.git$/);
  assert.ok(existsSync(join(two.dir, "HEAD")));
});
