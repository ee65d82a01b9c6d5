import { test } from "node:test";
import assert from "node:assert/strict";
import { checkDockerfiles, type ContextFiles } from "../../../src/builder/dockerfile-check.js";
import type { BuildTarget } from "../../../src/builder/targets.js";

function target(name: string, extra: Partial<BuildTarget> = {}): BuildTarget {
  return {
    name,
    repository: `r/${name}`,
    context: { kind: "source", source: "app", path: name },
    dockerfile: "Dockerfile",
    seal: {},
    args: {},
    labels: {},
    tests: [],
    tagScheme: "timestamp",
    ...extra,
  };
}

/** A source context holding `files` (name in the context -> text). */
function files(name: string, contents: Readonly<Record<string, string>>, branch = "main"): ContextFiles {
  return { read: async (file) => contents[file], where: (file) => `app:${name}/${file}`, branch };
}

test("each FROM whose build arg Slipway leaves empty is a warning with its file and line; what Slipway sets is not", async () => {
  const contexts: Record<string, ContextFiles> = {
    seed: files("seed", { Dockerfile: "ARG PARENT_IMAGE\nFROM ${PARENT_IMAGE}\n" }),
    orphan: files("orphan", { Dockerfile: "ARG PARENT_IMAGE\nFROM ${PARENT_IMAGE}\n" }),
    args: files("args", { Dockerfile: "ARG REG\nFROM ${REG}/busybox\n" }),
  };
  const check = await checkDockerfiles(
    [target("seed", { from: "base" }), target("orphan"), target("args", { args: { REG: "localhost:5000" } }), target("gone")],
    async (t) => contexts[t.name],
    [],
  );
  assert.deepEqual(
    check.warnings.map((w) => [w.image, w.file, w.line]),
    [["orphan", "app:orphan/Dockerfile", 2]],
  );
  assert.deepEqual(check.notChecked, ["gone"]);
});

test("two variants of one environment's Dockerfile: a warning naming both and the one used; the used variant is checked too", async () => {
  const web = files("web", {
    Dockerfile: "FROM busybox\n",
    "Dockerfile.test1": "ARG NOPE\nFROM ${NOPE}\n",
    "Dockerfile.test.1": "FROM busybox\n",
  });
  const check = await checkDockerfiles([target("web")], async () => web, [{ env: "test1", branches: ["test.1"] }]);
  assert.deepEqual(
    check.warnings.map((w) => [w.file, w.line, w.message]),
    [
      ["app:web/Dockerfile.test1", undefined, "both Dockerfile.test1 and Dockerfile.test.1 exist for environment test1; Dockerfile.test1 is used"],
      ["app:web/Dockerfile.test1", 2, "FROM ${NOPE} uses the build arg NOPE, which Slipway does not set for image web"],
    ],
  );
  const one = await checkDockerfiles([target("web")], async () => files("web", { Dockerfile: "FROM busybox\n", "Dockerfile.test.1": "FROM busybox\n" }), [
    { env: "test1", branches: ["test.1"] },
  ]);
  assert.deepEqual(one.warnings, []);
});

test("parent_arg without from: is a warning on slipway.yml", async () => {
  const check = await checkDockerfiles([target("a", { parentArg: "PARENT_IMAGE" })], async () => files("a", { Dockerfile: "FROM busybox\n" }), []);
  assert.deepEqual(
    check.warnings.map((w) => [w.file, w.message]),
    [["slipway.yml", "image a sets parent_arg: PARENT_IMAGE but has no from:, so no parent is passed"]],
  );
});
