import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { commitLog, openMirrors } from "../../../src/sources/index.js";
import { createRepo, tempDir } from "./git-fixture.js";

/** commitLog against git itself: a mirror of a real repository, its branch moved on, force-pushed and garbage-collected. */
async function world(t: { after(fn: () => void): void }) {
  const dir = tempDir(t, "slipway-commit-log-");
  const repo = createRepo(join(dir, "app"));
  const c1 = repo.commit("First version", "2024-01-01T10:00:00Z", { "app/main.sh": "echo v1\n", "docs/readme.md": "# App\n" });
  const c2 = repo.commit("Docs only", "2024-01-02T10:00:00Z", { "docs/readme.md": "# App\n\nMore.\n" });
  const c3 = repo.commit("Say v2", "2024-01-03T10:00:00Z", { "app/main.sh": "echo v2\n" });
  const c4 = repo.commit("Say v3", "2024-01-04T10:00:00Z", { "app/main.sh": "echo v3\n" });
  const mirrors = openMirrors({ cacheDir: join(dir, "cache"), baseDir: dir });
  const ensure = async (commit: string): Promise<string> => (await mirrors.ensure({ name: "app", repo: "app", branch: "main" }, commit)).dir;
  return { repo, c1, c2, c3, c4, ensure };
}

test("the subjects between two commits, newest first, counted in full and capped; narrowed to paths like git log -- paths", async (t) => {
  const { c1, c4, ensure } = await world(t);
  const mirror = await ensure(c4);
  assert.deepEqual(await commitLog(mirror, c1, c4, { limit: 20 }), {
    kind: "commits",
    subjects: ["Say v3", "Say v2", "Docs only"],
    total: 3,
    rewritten: false,
  });
  assert.deepEqual(await commitLog(mirror, c1, c4, { limit: 2 }), { kind: "commits", subjects: ["Say v3", "Say v2"], total: 3, rewritten: false });
  assert.deepEqual(await commitLog(mirror, c1, c4, { limit: 20, paths: ["app"] }), {
    kind: "commits",
    subjects: ["Say v3", "Say v2"],
    total: 2,
    rewritten: false,
  });
  assert.deepEqual(await commitLog(mirror, c1, c4, { limit: 20, paths: [""] }), {
    kind: "commits",
    subjects: ["Say v3", "Say v2", "Docs only"],
    total: 3,
    rewritten: false,
  });
});

test("the same commit, going back, a commit the mirror does not have", async (t) => {
  const { c1, c4, ensure } = await world(t);
  const mirror = await ensure(c4);
  assert.deepEqual(await commitLog(mirror, c4, c4, { limit: 20 }), { kind: "same" });
  assert.deepEqual(await commitLog(mirror, c4, c1, { limit: 20 }), { kind: "behind", total: 3 });
  const never = "0123456789abcdef0123456789abcdef01234567";
  assert.deepEqual(await commitLog(mirror, never, c4, { limit: 20 }), { kind: "unknown", missing: never });
});

test("after a force push: the old commit is no ancestor (the new branch's own commits are listed); once garbage-collected, unknown", async (t) => {
  const { repo, c2, c4, ensure } = await world(t);
  const running = await ensure(c4);
  repo.git("reset", "--quiet", "--hard", c2);
  const c5 = repo.commit("Say v2, again", "2024-01-05T10:00:00Z", { "app/main.sh": "echo v2 again\n" });
  const mirror = await ensure(c5);
  assert.equal(mirror, running, "one mirror, fetched");
  assert.deepEqual(await commitLog(mirror, c4, c5, { limit: 20 }), { kind: "commits", subjects: ["Say v2, again"], total: 1, rewritten: true });

  // The fetch pruned the old branch head; gc drops what nothing reaches any more.
  execFileSync("git", ["reflog", "expire", "--expire=now", "--all"], { cwd: mirror });
  execFileSync("git", ["gc", "--quiet", "--prune=now"], { cwd: mirror });
  assert.deepEqual(await commitLog(mirror, c4, c5, { limit: 20 }), { kind: "unknown", missing: c4 });
});

test("commit ids only: anything git could read as an option or a name is refused before git runs", async (t) => {
  const { c4, ensure } = await world(t);
  const mirror = await ensure(c4);
  await assert.rejects(commitLog(mirror, "--all", c4, { limit: 20 }), /is not a commit id/);
  await assert.rejects(commitLog(mirror, c4, "main", { limit: 20 }), /is not a commit id/);
});
