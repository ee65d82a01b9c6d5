import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { createGitCounts, headOf, lsRemote, validateRemote } from "../../../src/sources/index.js";
import { isSlipwayError, formatError } from "../../../src/errors/index.js";
import { createAppRepo, tempDir } from "./git-fixture.js";

test("ls-remote lists the remote's branches and tags with their commits, in one git run", async (t) => {
  const dir = tempDir(t);
  const repo = createAppRepo(join(dir, "app1"));
  const counts = createGitCounts();
  const refs = await lsRemote(validateRemote("app1", { baseDir: dir }), { counts });
  assert.equal(refs.get("refs/heads/main"), repo.c3);
  assert.equal(refs.get("refs/heads/release"), repo.c1);
  assert.equal(refs.get("refs/tags/v1.0.0"), repo.c1);
  assert.deepEqual(counts, { lsRemote: 1, fetch: 0, clone: 0, other: 0 });
});

test("headOf gives a branch's commit, through a file:// remote too", async (t) => {
  const dir = tempDir(t);
  const repo = createAppRepo(join(dir, "app1"));
  assert.equal(await headOf(validateRemote(`file://${repo.dir}`, { baseDir: "/" }), "main"), repo.c3);
  assert.equal(await headOf(validateRemote(repo.dir, { baseDir: "/" }), "test.1"), repo.c3);
  assert.equal(await headOf(validateRemote(repo.dir, { baseDir: "/" }), "release"), repo.c1);
});

test("a missing branch is reported with the branches that do exist and a did-you-mean", async (t) => {
  const dir = tempDir(t);
  const repo = createAppRepo(join(dir, "app1"));
  const error = await headOf(validateRemote(repo.dir, { baseDir: "/" }), "devlop").then(
    () => assert.fail("a missing branch was found"),
    (e: unknown) => e,
  );
  assert.ok(isSlipwayError(error, "GIT_BRANCH_NOT_FOUND"), String(error));
  assert.match(error.message, /"devlop" does not exist in .*app1/);
  assert.deepEqual(error.details, ["branches there: develop, main, release, test.1"]);
  assert.match(error.hint ?? "", /did you mean "develop"/);
  assert.equal(error.exitCode, 2);
});

test("a remote that does not exist is GIT_REMOTE_UNREACHABLE naming the remote, with a hint", async (t) => {
  const dir = tempDir(t);
  const remote = validateRemote("no-such-repo", { baseDir: dir });
  const error = await headOf(remote, "main").then(
    () => assert.fail("an absent remote answered"),
    (e: unknown) => e,
  );
  assert.ok(isSlipwayError(error, "GIT_REMOTE_UNREACHABLE"), String(error));
  assert.match(error.message, new RegExp(`${join(dir, "no-such-repo")}$`));
  assert.match(error.hint ?? "", /check the URL and your access/);
  assert.match(error.details.join("\n"), /does not appear to be a git repository/);
  assert.doesNotMatch(formatError(error, { debug: false }), /at .*\.js/);
});

test("an https remote that cannot be resolved is unreachable, and the token in it never shows", async () => {
  const remote = validateRemote("https://user:tok-abc123secret@nonexistent.invalid/org/app.git", { baseDir: "/" });
  const error = await lsRemote(remote, { timeoutMs: 30_000 }).then(
    () => assert.fail("an unresolvable host answered"),
    (e: unknown) => e,
  );
  assert.ok(isSlipwayError(error, "GIT_REMOTE_UNREACHABLE"), String(error));
  assert.doesNotMatch(formatError(error, { debug: true }), /tok-abc123secret/);
});
