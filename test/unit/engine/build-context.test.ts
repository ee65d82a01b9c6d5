import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareBuildContext } from "../../../src/engine/build-context.js";
import { isSlipwayError } from "../../../src/errors/index.js";

function tree(t: { after(fn: () => void): void }, files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-ctx-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const file of files) {
    if (file.endsWith("/")) {
      mkdirSync(join(dir, file), { recursive: true });
      continue;
    }
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), file);
  }
  return dir;
}

test("every file and empty directory is listed, sorted, without .git at any depth", (t) => {
  const dir = tree(t, ["Dockerfile", "src/app.py", "src/lib/util.py", ".git/HEAD", "vendor/mod/.git/config", "vendor/mod/a.txt", "empty/"]);
  symlinkSync("src/app.py", join(dir, "link.py"));
  const context = prepareBuildContext(dir);
  assert.equal(context.contextDir, dir);
  assert.equal(context.dockerfile, "Dockerfile");
  assert.deepEqual(context.entries, ["Dockerfile", "empty", "link.py", "src/app.py", "src/lib/util.py", "vendor/mod/a.txt"]);
});

test("a Dockerfile in a subdirectory is named relative to the context", (t) => {
  const dir = tree(t, ["docker/prod.Dockerfile", "app.txt"]);
  assert.equal(prepareBuildContext(dir, "docker/prod.Dockerfile").dockerfile, "docker/prod.Dockerfile");
  assert.equal(prepareBuildContext(dir, join(dir, "docker/prod.Dockerfile")).dockerfile, "docker/prod.Dockerfile");
});

test("a missing context or Dockerfile, or one outside the context, is BUILD_FAILED naming the path", (t) => {
  const dir = tree(t, ["app.txt", "sub/Dockerfile"]);
  const fails = (fn: () => unknown, message: RegExp): void => {
    assert.throws(fn, (error: unknown) => isSlipwayError(error, "BUILD_FAILED") && message.test(error.message));
  };
  fails(() => prepareBuildContext(dir), new RegExp(`^there is no Dockerfile at ${dir}/Dockerfile$`));
  fails(() => prepareBuildContext(join(dir, "nope")), /is not a directory/);
  fails(() => prepareBuildContext(join(dir, "app.txt")), /is not a directory/);
  fails(() => prepareBuildContext(join(dir, "sub"), "../app.txt"), /is outside the build context/);
  fails(() => prepareBuildContext(dir, "sub"), /there is no Dockerfile at .*\/sub$/);
});
