import { test } from "node:test";
import assert from "node:assert/strict";
import { branchFileSuffix, chooseDockerfile, variantCandidates, variantFor } from "../../../src/builder/dockerfile-choice.js";

const exists =
  (...names: string[]) =>
  async (name: string): Promise<boolean> =>
    names.includes(name);

test("the environment's name, then its branches' names (the branch being read first), then the base Dockerfile", () => {
  const variant = { env: "test1", branches: ["test.1", "hotfix/test.1"] };
  assert.deepEqual(variantCandidates("Dockerfile", variant), ["Dockerfile.test1", "Dockerfile.test.1", "Dockerfile.hotfix-test.1"]);
  assert.deepEqual(variantCandidates("Dockerfile", variant, "hotfix/test.1"), ["Dockerfile.test1", "Dockerfile.hotfix-test.1", "Dockerfile.test.1"]);
  assert.deepEqual(
    variantCandidates("Dockerfile", variant, "develop"),
    ["Dockerfile.test1", "Dockerfile.test.1", "Dockerfile.hotfix-test.1"],
    "an unbound branch adds nothing",
  );
  assert.deepEqual(variantCandidates("Dockerfile", { env: "prod", branches: ["prod"] }), ["Dockerfile.prod"], "no duplicates");
});

test("a branch's / becomes -", () => {
  assert.equal(branchFileSuffix("release/1.0.1"), "release-1.0.1");
  assert.equal(branchFileSuffix("test.1"), "test.1");
});

test("chooseDockerfile: the seed's Dockerfile.test.1 is picked for test1; the environment's name wins when both exist", async () => {
  const test1 = { env: "test1", branches: ["test.1"] };
  assert.deepEqual(await chooseDockerfile("Dockerfile", test1, exists("Dockerfile", "Dockerfile.test.1")), { dockerfile: "Dockerfile.test.1", shadowed: [] });
  assert.deepEqual(await chooseDockerfile("Dockerfile", test1, exists("Dockerfile", "Dockerfile.test1", "Dockerfile.test.1")), {
    dockerfile: "Dockerfile.test1",
    shadowed: ["Dockerfile.test.1"],
  });
  assert.deepEqual(await chooseDockerfile("Dockerfile", test1, exists("Dockerfile")), { dockerfile: "Dockerfile", shadowed: [] });
  assert.deepEqual(await chooseDockerfile("Dockerfile", undefined, exists("Dockerfile.test1")), { dockerfile: "Dockerfile", shadowed: [] });
  const prod = { env: "prod", branches: ["release"] };
  assert.deepEqual(await chooseDockerfile("docker/App.df", prod, exists("docker/App.df.release")), { dockerfile: "docker/App.df.release", shadowed: [] });
});

test("variantFor: the declared environment's branches; an undeclared one binds none", () => {
  const environments = { test1: { branches: ["test.1"] }, prod: {} };
  assert.deepEqual(variantFor("test1", environments), { env: "test1", branches: ["test.1"] });
  assert.deepEqual(variantFor("prod", environments), { env: "prod", branches: [] });
  assert.deepEqual(variantFor("other", environments), { env: "other", branches: [] });
  assert.equal(variantFor(undefined, environments), undefined);
});
