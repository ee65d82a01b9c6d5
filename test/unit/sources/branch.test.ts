import { test } from "node:test";
import assert from "node:assert/strict";
import { branchProblem, validateBranch } from "../../../src/sources/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";

test("ordinary branch names pass unchanged", () => {
  for (const name of ["main", "master", "develop", "release", "test.1", "feature/login-form", "v1.2.x", "user@work", "a/b/c", "ünïcode"]) {
    assert.equal(validateBranch(name), name);
  }
});

test("names that break git's rules are refused with the rule they break", () => {
  const cases: [string, RegExp][] = [
    ["", /empty/],
    ["-f", /starts with '-'/],
    ["--upload-pack=x", /starts with '-'/],
    ["HEAD", /reserves/],
    ["@", /reserves/],
    ["a b", /a space/],
    ["a..b", /'\.\.'/],
    ["a~1", /'~'/],
    ["a^", /'\^'/],
    ["a:b", /':'/],
    ["a?", /'\?'/],
    ["a*", /'\*'/],
    ["a[b", /'\['/],
    ["a\\b", /'\\'/],
    ["a@{1}", /'@\{'/],
    ["/a", /'\/'/],
    ["a/", /'\/'/],
    ["a//b", /'\/\/'/],
    ["a.", /ends with '\.'/],
    [".hidden", /starting with '\.'/],
    ["a/.b", /starting with '\.'/],
    ["a.lock", /'\.lock'/],
    ["a.lock/b", /'\.lock'/],
    ["a\nb", /control character/],
    ["a\u007fb", /control character/],
  ];
  for (const [name, why] of cases) {
    assert.match(branchProblem(name) ?? "(valid)", why, JSON.stringify(name));
    assert.throws(
      () => validateBranch(name),
      (error) => isSlipwayError(error, "GIT_BRANCH_INVALID") && !error.message.includes("\n"),
    );
  }
});
