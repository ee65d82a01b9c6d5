import { test } from "node:test";
import assert from "node:assert/strict";
import { hostDirMounts, hostDirs, imageHome, launchEnv } from "../../../src/images/index.js";
import { Secret } from "../../../src/util/secret.js";

test("launchEnv: the caller's variables, then IMAGE_NAME, IMAGE_VERSION and the directories, Slipway's winning; values kept as they are", () => {
  const token = new Secret("t0k");
  const env = launchEnv({ IMAGE_VERSION: "spoofed", DATA_DIR: "/elsewhere", API_TOKEN: token }, { name: "app1-prod", version: "20240101T000000Z" });
  assert.deepEqual(env, {
    API_TOKEN: token,
    IMAGE_NAME: "app1-prod",
    IMAGE_VERSION: "20240101T000000Z",
    DATA_DIR: "/data",
    LOG_DIR: "/logs",
    CONFIG_DIR: "/config",
    TMPDIR: "/scratch",
  });
  assert.equal(launchEnv({}, { name: "a", version: "1", sourceDir: "/src/a" })["SOURCE_DIR"], "/src/a");
});

test("an image's home is its launch.home relative to slipway.yml, else <run base>/<image>; its four directories are mounted at their places", () => {
  assert.equal(imageHome({ name: "app" }, "/project", "/base"), "/base/app");
  assert.equal(imageHome({ name: "app", launchHome: "./run/app" }, "/project", "/base"), "/project/run/app");
  assert.deepEqual(hostDirMounts(hostDirs("/h")), [
    { type: "bind", source: "/h/data", target: "/data" },
    { type: "bind", source: "/h/logs", target: "/logs" },
    { type: "bind", source: "/h/config", target: "/config" },
    { type: "bind", source: "/h/tmp", target: "/scratch" },
  ]);
});
