import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createSourceReader, openMirrors } from "../../../src/sources/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { createAppRepo, tempDir } from "./git-fixture.js";

test("the build's SourceReader: planning twice with unchanged sources runs one ls-remote per source per run and no fetch", async (t) => {
  const dir = tempDir(t);
  const repo = createAppRepo(join(dir, "app1"));
  const mirrors = openMirrors({ cacheDir: join(dir, "cache"), baseDir: dir });
  const sources = [{ name: "app1", repo: "./app1", branch: "main", paths: ["app"] }];

  const plan = async () => {
    const reader = createSourceReader(mirrors, sources);
    const head = await reader.head("app1");
    assert.equal(await reader.head("app1"), head, "the head is remembered for the run");
    return {
      head,
      app: await reader.lastCommitTouching("app1", head, reader.includedPaths("app1")),
      docs: await reader.lastCommitTouching("app1", head, ["docs"]),
      prod: await reader.fileExists("app1", head, "app/Dockerfile.prod"),
      version: await reader.versionFacts("app1", head),
      dockerfile: await reader.readFile("app1", head, "app/Dockerfile"),
      notAFile: await reader.readFile("app1", head, "app"),
      changed: await reader.changedPaths("app1", repo.c1, head, ["app"]),
    };
  };
  const first = await plan();
  assert.deepEqual(first, {
    head: repo.c3,
    app: repo.c3,
    docs: repo.c2,
    prod: true,
    version: { count: 3, sha: repo.c3.slice(0, 7), lastTag: "v1.0.0" },
    dockerfile: "FROM python:3.12-slim\nCOPY src /app\n",
    notAFile: undefined,
    changed: ["app/Dockerfile.prod", "app/src/main.py"],
  });
  const afterFirst = mirrors.stats();
  assert.deepEqual({ lsRemote: afterFirst.lsRemote, clone: afterFirst.clone, fetch: afterFirst.fetch }, { lsRemote: 1, clone: 1, fetch: 0 });

  assert.deepEqual(await plan(), first);
  const afterSecond = mirrors.stats();
  assert.deepEqual({ lsRemote: afterSecond.lsRemote, clone: afterSecond.clone, fetch: afterSecond.fetch }, { lsRemote: 2, clone: 1, fetch: 0 });

  const reader = createSourceReader(mirrors, sources);
  const dest = join(dir, "ctx");
  await reader.exportTree("app1", repo.c3, "app", dest);
  assert.equal(readFileSync(join(dest, "src/main.py"), "utf8"), "print('v2')\n");
  await assert.rejects(
    reader.exportTree("app1", repo.c3, "nope", join(dir, "x")),
    (e) => isSlipwayError(e, "GIT_PATH_NOT_FOUND") && /^in source app1: "nope"/.test(e.message),
  );
  await assert.rejects(reader.head("missing"), (e) => isSlipwayError(e, "CONFIG_INVALID") && /known sources: app1/.test(e.hint ?? ""));
});
