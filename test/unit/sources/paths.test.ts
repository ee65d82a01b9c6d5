import { test } from "node:test";
import assert from "node:assert/strict";
import { matchesPaths, normalizeSourcePath, pathspecs } from "../../../src/sources/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";

test("no paths, or the empty path, match every file", () => {
  assert.equal(matchesPaths("a/b.py", []), true);
  assert.equal(matchesPaths("a/b.py", [""]), true);
  assert.equal(matchesPaths("a/b.py", ["."]), true);
});

test("a plain path matches itself and what is under it, not a sibling sharing its prefix", () => {
  assert.equal(matchesPaths("src/app.py", ["src"]), true);
  assert.equal(matchesPaths("src/a/b.py", ["./src/"]), true);
  assert.equal(matchesPaths("src", ["src"]), true);
  assert.equal(matchesPaths("srcfoo/x", ["src"]), false);
  assert.equal(matchesPaths("lib/src/x", ["src"]), false);
  assert.equal(matchesPaths("setup.py", ["docs", "setup.py"]), true);
});

test("wildcards stay in one level, ** crosses levels, and a matched directory matches its contents", () => {
  assert.equal(matchesPaths("src/x.py", ["src/*.py"]), true);
  assert.equal(matchesPaths("src/a/b.py", ["src/*.py"]), false);
  assert.equal(matchesPaths("src/a/b.py", ["src/*"]), true, "src/a matches src/*, so its files do");
  assert.equal(matchesPaths("top.py", ["*.py"]), true);
  assert.equal(matchesPaths("lib/c.py", ["*.py"]), false);
  assert.equal(matchesPaths("lib/c.py", ["**/*.py"]), true);
  assert.equal(matchesPaths("top.py", ["**/*.py"]), true);
  assert.equal(matchesPaths("src/a/b/c.txt", ["src/**/b"]), true);
  assert.equal(matchesPaths("services/api/main.go", ["services/[a-m]*"]), true);
  assert.equal(matchesPaths("services/web/main.go", ["services/[a-m]*"]), false);
  assert.equal(matchesPaths("services/web/main.go", ["services/[!a-m]*"]), true);
  assert.equal(matchesPaths("a/x", ["?"]), true);
  assert.equal(matchesPaths("ab/x", ["?"]), false);
});

test("paths that leave the repository are refused", () => {
  assert.throws(
    () => normalizeSourcePath("../etc"),
    (error) => isSlipwayError(error, "CONFIG_INVALID"),
  );
  assert.throws(
    () => normalizeSourcePath("a/../../b"),
    (error) => isSlipwayError(error, "CONFIG_INVALID"),
  );
  assert.equal(normalizeSourcePath("/app//x/"), "app/x");
});

test("git is given explicit-magic pathspecs, so a path cannot smuggle in other magic", () => {
  assert.deepEqual(pathspecs(["src", ""]), [":(top,literal)src", ":(top)."]);
  assert.deepEqual(pathspecs([":(exclude)src"]), [":(top,literal):(exclude)src"]);
  assert.deepEqual(pathspecs(["src/*.py"]), [":(top,glob)src/*.py", ":(top,glob)src/*.py/**"]);
});
