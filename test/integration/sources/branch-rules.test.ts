import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { branchProblem } from "../../../src/sources/index.js";

function gitAccepts(name: string): boolean {
  return spawnSync("git", ["check-ref-format", "--branch", name], { cwd: "/", encoding: "utf8" }).status === 0;
}

test("branch names are judged as `git check-ref-format --branch` judges them", () => {
  const chars = fc.constantFrom("a", "b", "1", ".", "/", "-", "@", "{", "}", " ", "~", "^", ":", "?", "*", "[", "\\", "l", "o", "c", "k", "\t", "é");
  fc.assert(
    fc.property(
      fc.array(chars, { minLength: 1, maxLength: 10 }).map((parts) => parts.join("")),
      (name) => {
        fc.pre(name !== "@"); // Slipway refuses "@" (git's shorthand for HEAD) although git accepts it here
        assert.equal(branchProblem(name) === undefined, gitAccepts(name), `${JSON.stringify(name)}: ours says ${branchProblem(name) ?? "valid"}`);
      },
    ),
    { numRuns: 400 },
  );
  for (const name of ["main", "a.lock/b", "x/.y", "release/1.0", "a..b", "-x", "a@{1}"])
    assert.equal(branchProblem(name) === undefined, gitAccepts(name), name);
});
