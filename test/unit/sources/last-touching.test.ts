import { test } from "node:test";
import assert from "node:assert/strict";
import { lastCommitTouchingIn, parseCommit, parseTree } from "../../../src/sources/index.js";

/**
 * A history as plain data: parents by commit, and for each commit the content of one path
 * (undefined = absent). "Same at the paths" compares that content, as comparing tree entries does.
 */
function history(parents: Readonly<Record<string, readonly string[]>>, content: Readonly<Record<string, string | undefined>>) {
  const asked: string[] = [];
  return {
    asked,
    access: {
      parents: async (commit: string) => parents[commit] ?? [],
      sameAtPaths: async (commit: string, parent: string) => {
        asked.push(`${commit}>${parent}`);
        return content[commit] === content[parent];
      },
      holdsAnyPath: async (commit: string) => content[commit] !== undefined,
    },
  };
}

test("a linear history: the newest commit that changed the path, the root when it holds it, none when never there", async () => {
  const parents = { c4: ["c3"], c3: ["c2"], c2: ["c1"], c1: [] };
  assert.equal(await lastCommitTouchingIn(history(parents, { c4: "b", c3: "b", c2: "b", c1: "a" }).access, "c4"), "c2");
  assert.equal(await lastCommitTouchingIn(history(parents, { c4: "a", c3: "a", c2: "a", c1: "a" }).access, "c4"), "c1");
  assert.equal(await lastCommitTouchingIn(history(parents, { c4: "a", c3: "a" }).access, "c4"), "c3", "added by c3");
  assert.equal(await lastCommitTouchingIn(history(parents, { c1: "a" }).access, "c4"), "c2", "deleted by c2");
  assert.equal(await lastCommitTouchingIn(history(parents, {}).access, "c4"), undefined);
});

test("a merge equal to a parent is hidden and only the first equal parent followed; equal to none, it is the answer", async () => {
  const parents = { m: ["main", "side"], main: ["base"], side: ["base"], base: [] };
  const tookSide = history(parents, { m: "s", main: "a", side: "s", base: "a" });
  assert.equal(await lastCommitTouchingIn(tookSide.access, "m"), "side");
  assert.deepEqual(tookSide.asked, ["m>main", "m>side", "side>base"], "parents are compared in order");
  const bothSame = history(parents, { m: "a", main: "a", side: "a", base: "a" });
  assert.equal(await lastCommitTouchingIn(bothSame.access, "m"), "base");
  assert.deepEqual(bothSame.asked, ["m>main", "main>base"], "the first equal parent wins; the side is not walked");
  assert.equal(await lastCommitTouchingIn(history(parents, { m: "x", main: "a", side: "s", base: "a" }).access, "m"), "m", "a conflict resolution");
});

test("a merge that kept its first parent's content (-s ours) hides the newer side branch entirely", async () => {
  const parents = { m: ["main", "side"], main: ["base"], side: ["base"], base: [] };
  assert.equal(await lastCommitTouchingIn(history(parents, { m: "a", main: "a", side: "changed", base: "a" }).access, "m"), "base");
});

test("parseCommit reads the tree and parents; parseTree reads modes, names and raw ids", () => {
  const tree = "a".repeat(40);
  const commit = parseCommit(
    Buffer.from(`tree ${tree}\nparent ${"b".repeat(40)}\nparent ${"c".repeat(40)}\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nparent not-a-header\n`),
  );
  assert.deepEqual(commit, { tree, parents: ["b".repeat(40), "c".repeat(40)] });
  const id = (byte: number): Buffer => Buffer.alloc(20, byte);
  const content = Buffer.concat([Buffer.from("100644 Dockerfile\0"), id(1), Buffer.from("40000 src\0"), id(2), Buffer.from("120000 l\u00e9nk\0"), id(3)]);
  const entries = parseTree(content, 20);
  assert.deepEqual([...entries.keys()], ["Dockerfile", "src", "lénk"]);
  assert.deepEqual(entries.get("src"), { mode: "40000", oid: "02".repeat(20) });
  assert.deepEqual(entries.get("Dockerfile"), { mode: "100644", oid: "01".repeat(20) });
});
