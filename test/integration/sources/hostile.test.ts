import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { headOf, lsRemote, openMirrors, runGit, withFileLock, type Remote } from "../../../src/sources/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { createAppRepo, tempDir } from "./git-fixture.js";

test("an ext:: remote is refused by validation and nothing runs", async (t) => {
  const dir = tempDir(t);
  const marker = join(dir, "pwned");
  const mirrors = openMirrors({ cacheDir: join(dir, "cache"), baseDir: dir });
  const source = { name: "evil", repo: `ext::sh -c touch% ${marker}`, branch: "main" };
  await assert.rejects(mirrors.ensure(source), (e) => isSlipwayError(e, "GIT_REMOTE_INVALID"));
  await assert.rejects(mirrors.head(source), (e) => isSlipwayError(e, "GIT_REMOTE_INVALID"));
  assert.equal(existsSync(marker), false, "the ext:: command ran");
  assert.deepEqual(mirrors.stats(), { lsRemote: 0, fetch: 0, clone: 0, other: 0 }, "git was started for a refused remote");
});

test("even a remote that skips validation cannot use ext:: or fd::, because git is told to refuse them", async (t) => {
  const dir = tempDir(t);
  const marker = join(dir, "pwned");
  const forged: Remote = { url: `ext::sh -c touch% ${marker}`, kind: "local", display: "forged" };
  await assert.rejects(lsRemote(forged), (e) => isSlipwayError(e, "GIT_REMOTE_INVALID") && /refused the transport/.test(e.message));
  await assert.rejects(runGit(["ls-remote", "--", "fd::0"], { remote: { url: "fd::0", kind: "local", display: "fd" } }), (e) =>
    isSlipwayError(e, "GIT_REMOTE_INVALID"),
  );
  assert.equal(existsSync(marker), false, "the ext:: command ran");
});

test("option-like branches and remotes never reach git", async (t) => {
  const dir = tempDir(t);
  const repo = createAppRepo(join(dir, "app1"));
  const marker = join(dir, "pwned");
  const mirrors = openMirrors({ cacheDir: join(dir, "cache"), baseDir: dir });
  await assert.rejects(mirrors.ensure({ name: "a", repo: `--upload-pack=touch ${marker}`, branch: "main" }), (e) => isSlipwayError(e, "GIT_REMOTE_INVALID"));
  await assert.rejects(mirrors.ensure({ name: "a", repo: "-oProxyCommand=touch x", branch: "main" }), (e) => isSlipwayError(e, "GIT_REMOTE_INVALID"));
  await assert.rejects(mirrors.ensure({ name: "a", repo: repo.dir, branch: "--upload-pack=x" }), (e) => isSlipwayError(e, "GIT_BRANCH_INVALID"));
  await assert.rejects(headOf({ url: repo.dir, kind: "local", display: repo.dir }, "main --tags"), (e) => isSlipwayError(e, "GIT_BRANCH_INVALID"));
  assert.equal(existsSync(marker), false);
  assert.deepEqual(mirrors.stats(), { lsRemote: 0, fetch: 0, clone: 0, other: 0 });
});

test("a lock left by a process that died is taken over; a live holder is waited for", async (t) => {
  const dir = tempDir(t);
  const lock = join(dir, "m.lock");
  writeFileSync(lock, `999999999 ${(await import("node:os")).hostname()}\n`);
  assert.equal(await withFileLock(lock, async () => "ran", { waitMs: 2000 }), "ran");
  assert.equal(existsSync(lock), false, "the lock was not released");

  writeFileSync(lock, `${process.pid} ${(await import("node:os")).hostname()}\n`);
  await assert.rejects(
    withFileLock(lock, async () => "ran", { waitMs: 300 }),
    (e) => isSlipwayError(e, "GIT_FAILED") && /waiting for the lock/.test(e.message),
  );
});
