import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveVersion } from "../../../src/builder/version.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { compareTags, versionCountShaTag } from "../../../src/graph/tag-schemes.js";

test("a branch named for a release gives the version", () => {
  for (const branch of ["release/1.0.1", "release-1.0.1", "hotfix/v1.0.1", "1.0.1", "v1.0.1", "releases/app/1.0.1"]) {
    assert.deepEqual(resolveVersion({ lastTag: "v0.9.0", versionFile: "0.1.0\n" }, branch), { version: "1.0.1", origin: "branch" }, branch);
  }
});

test("then the VERSION file, then the last version tag, then 0.0.0", () => {
  assert.deepEqual(resolveVersion({ lastTag: "v0.9.0", versionFile: "\n v2.3.4 \nnotes\n" }, "develop"), { version: "2.3.4", origin: "version-file" });
  assert.deepEqual(resolveVersion({ lastTag: "v0.9.0" }, "test.1"), { version: "0.9.0", origin: "tag" });
  assert.deepEqual(resolveVersion({ lastTag: "1.2.3" }, undefined), { version: "1.2.3", origin: "tag" });
  assert.deepEqual(resolveVersion({}, "master"), { version: "0.0.0", origin: "none" });
  assert.deepEqual(resolveVersion({}, "feature/1.0"), { version: "0.0.0", origin: "none" }, "not X.Y.Z");
});

test("a VERSION file that is not X.Y.Z is refused, with what to write", () => {
  assert.throws(
    () => resolveVersion({ versionFile: "1.2\n" }, "develop"),
    (e) => isSlipwayError(e, "BUILD_FAILED") && /VERSION file says "1\.2"/.test(e.message) && /X\.Y\.Z/.test(e.hint ?? ""),
  );
});

test("seed 003's tags: the count only grows along the branch, so tags sort in build order across a tag", () => {
  // Before any tag, then after v1.0.0 is tagged at the 3rd commit: describe restarted at 0, rev-list --count does not.
  const builds = [
    versionCountShaTag({ version: resolveVersion({}, "master").version, count: 1, sha: "0c4e1b7aaaa" }),
    versionCountShaTag({ version: resolveVersion({}, "master").version, count: 2, sha: "1d5f2c8aaaa" }),
    versionCountShaTag({ version: resolveVersion({ lastTag: "v1.0.0" }, "master").version, count: 3, sha: "2e6a3d9aaaa" }),
    versionCountShaTag({ version: resolveVersion({ lastTag: "v1.0.0" }, "master").version, count: 4, sha: "3f7b4eaaaaa" }),
  ];
  assert.deepEqual(builds, ["0.0.0-1-0c4e1b7", "0.0.0-2-1d5f2c8", "1.0.0-3-2e6a3d9", "1.0.0-4-3f7b4ea"]);
  for (let i = 1; i < builds.length; i++) assert.ok(compareTags("version-count-sha", builds[i - 1] ?? "", builds[i] ?? "") < 0);
});
