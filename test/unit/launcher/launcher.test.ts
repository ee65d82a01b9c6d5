import { test } from "node:test";
import assert from "node:assert/strict";
import { Command } from "commander";
import { imageIndex } from "../../../src/cli/commands/run-register.js";
import { FrameSplitter } from "../../../src/engine/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { containerDirs, hostDirs, launchSpec, parseEnvAssignments, parseEnvFile, resolveLaunchTarget, type LaunchPlan } from "../../../src/launcher/index.js";

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

test("the frame splitter keeps stdout and stderr apart, across chunk boundaries, as bytes", () => {
  const bytes = Buffer.concat([frame(1, "out\n"), frame(2, "err\n"), frame(1, "\u00e9")]);
  const splitter = new FrameSplitter();
  const first = splitter.push(bytes.subarray(0, 10));
  const rest = splitter.push(bytes.subarray(10));
  const frames = [...first, ...rest];
  assert.deepEqual(
    frames.map((f) => [f.stream, f.bytes.toString("utf8")]),
    [
      ["stdout", "out\n"],
      ["stderr", "err\n"],
      ["stdout", "\u00e9"],
    ],
  );
});

test("-e takes KEY=VALUE literally and a bare KEY from the caller's environment (skipped when unset)", () => {
  const env = parseEnvAssignments(["A=1", "B=x=y", "HOME", "UNSET", "EMPTY="], (name) => (name === "HOME" ? "/home/me" : undefined));
  assert.deepEqual(env, { A: "1", B: "x=y", HOME: "/home/me", EMPTY: "" });
  assert.throws(
    () => parseEnvAssignments(["1BAD=x"], () => undefined),
    (error) => isSlipwayError(error, "USAGE") && /1BAD/.test(error.message),
  );
});

test("an env file skips comments and blank lines and names the line of a bad entry", () => {
  assert.deepEqual(
    parseEnvFile("# c\n\nA=1\n  B='q'\n", "f.env", () => undefined),
    { A: "1", B: "'q'" },
  );
  assert.throws(
    () => parseEnvFile("A=1\nnot a var\n", "f.env", () => undefined),
    (error) => isSlipwayError(error, "USAGE") && /f\.env:2/.test(error.message),
  );
});

test("IMAGE is an image of slipway.yml first, else a repository reference, pinned when it has a tag", () => {
  const images = new Map([["app1-prod", { repository: "localhost:5000/org/app1-prod", tagScheme: "sha" as const }]]);
  const configured = resolveLaunchTarget("app1-prod", images);
  assert.equal(configured.repository, "localhost:5000/org/app1-prod");
  assert.equal(configured.scheme, "sha");
  assert.equal(configured.configured, true);
  const reference = resolveLaunchTarget("localhost:5000/org/tool", images);
  assert.deepEqual([reference.name, reference.repository, reference.scheme, reference.pinned], ["tool", "localhost:5000/org/tool", "timestamp", undefined]);
  assert.deepEqual(resolveLaunchTarget("localhost:5000/org/tool:20200101T000000Z", images).pinned, { tag: "20200101T000000Z" });
  assert.throws(
    () => resolveLaunchTarget("Not An Image", images),
    (error) => isSlipwayError(error, "IMAGE_NOT_FOUND") && /app1-prod/.test(error.hint ?? ""),
  );
});

const basePlan: LaunchPlan = {
  name: "app1-dev",
  version: "20240101T000000Z",
  reference: "r/app1-dev:20240101T000000Z",
  command: ["python", "-V"],
  profile: "dev",
  dirs: hostDirs("/h/app1-dev"),
  checkout: { host: "/src/app1", target: "/work/app1" },
  user: "1000:1000",
  env: { IMAGE_NAME: "spoofed", FOO: "bar" },
  tty: false,
};

test("the launch spec maps the four directories and the checkout, runs as the user, and sets the variables", () => {
  const spec = launchSpec(basePlan);
  assert.deepEqual(spec.command, ["python", "-V"]);
  assert.equal(spec.user, "1000:1000");
  assert.equal(spec.workingDir, "/work/app1");
  assert.deepEqual(spec.mounts, [
    { type: "bind", source: "/h/app1-dev/data", target: containerDirs.data },
    { type: "bind", source: "/h/app1-dev/logs", target: containerDirs.logs },
    { type: "bind", source: "/h/app1-dev/config", target: containerDirs.config },
    { type: "bind", source: "/h/app1-dev/tmp", target: containerDirs.tmp },
    { type: "bind", source: "/src/app1", target: "/work/app1" },
  ]);
  assert.deepEqual(spec.env, {
    FOO: "bar",
    IMAGE_NAME: "app1-dev",
    IMAGE_VERSION: "20240101T000000Z",
    DATA_DIR: "/data",
    LOG_DIR: "/logs",
    CONFIG_DIR: "/config",
    TMPDIR: "/scratch",
    SOURCE_DIR: "/work/app1",
  });
});

test("the prod spec has no checkout mount, keeps the image's user and working directory, and no command means the image's own", () => {
  const { checkout: _checkout, user: _user, ...prod } = basePlan;
  const spec = launchSpec({ ...prod, profile: "prod", command: [] });
  assert.equal(spec.mounts?.length, 4);
  assert.equal(spec.user, undefined);
  assert.equal(spec.workingDir, undefined);
  assert.equal(spec.command, undefined);
  assert.equal(spec.env?.["SOURCE_DIR"], undefined);
});

test("slipway run reads its options up to IMAGE; the rest is the command", () => {
  const options = new Command("run").option("--profile <p>").option("--local").option("-e, --env <kv>").options;
  assert.equal(imageIndex(["--profile", "dev", "img", "ls", "-la"], options), 2);
  assert.equal(imageIndex(["--local", "-e", "A=1", "img"], options), 3);
  assert.equal(imageIndex(["--profile=dev", "img"], options), 1);
  assert.equal(imageIndex(["--local", "--", "img", "-e"], options), 2);
  assert.equal(imageIndex(["--local"], options), -1);
});
