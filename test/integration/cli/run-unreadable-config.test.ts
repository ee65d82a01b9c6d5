import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SLIPWAY_BIN, runSlipway, type CliRun } from "../../harness/cli.js";

/**
 * `slipway run` with a slipway.yml it cannot read reports that, as `validate` does, instead of
 * taking the image's name for a Docker Hub repository. --local keeps a wrong reading off the
 * network (it would look for a local image and say there is none).
 */
const CONFIG = "registry: 127.0.0.1:5000/team\nimages:\n  app: { context: ./app }\n";
const NOBODY = 65534;

function project(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-run-unreadable-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function assertConfigError(run: CliRun, pattern: RegExp): void {
  assert.equal(run.code, 2, `exit code; stderr: ${run.stderr}`);
  const errors = run.stderr.split("\n").filter((line) => line.startsWith("error["));
  assert.deepEqual(errors.length, 1, run.stderr);
  assert.match(errors[0] ?? "", pattern, run.stderr);
  assert.doesNotMatch(run.stderr, /IMAGE_NOT_FOUND|docker\.io|REGISTRY_/, "the image name is not looked up anywhere");
}

test("slipway run with a directory named slipway.yml reports it, as validate does", async (t) => {
  const dir = project(t);
  mkdirSync(join(dir, "slipway.yml"));
  const args = ["--state-dir", join(dir, "state")];
  const validate = await runSlipway([...args, "validate"], { cwd: dir });
  assertConfigError(validate, /^error\[CONFIG_NOT_FOUND\]: slipway\.yml is a directory$/);
  const run = await runSlipway([...args, "run", "--local", "app", "true"], { cwd: dir });
  assertConfigError(run, /^error\[CONFIG_NOT_FOUND\]: slipway\.yml is a directory$/);
});

test("slipway run with a slipway.yml the user may not read reports permission denied", async (t) => {
  // Root reads a mode-000 file anyway, so the CLI runs as nobody (with the Docker socket's group,
  // as a member of the docker group would): a real permission denied.
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/setpriv")) {
    t.skip("needs root and setpriv to run the CLI as an unprivileged user");
    return;
  }
  const dir = project(t);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, "slipway.yml"), CONFIG);
  chmodSync(join(dir, "slipway.yml"), 0o000);
  const socket = "/var/run/docker.sock";
  const groups = existsSync(socket) ? String(statSync(socket).gid) : String(NOBODY);
  const asNobody = (args: readonly string[]): CliRun => {
    try {
      const stdout = execFileSync(
        "setpriv",
        [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, `--groups=${groups}`, process.execPath, SLIPWAY_BIN, "--state-dir", join(dir, "state"), ...args],
        { cwd: dir, env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 },
      );
      return { code: 0, stdout, stderr: "" };
    } catch (error) {
      const failed = error as { status: number | null; stdout: string; stderr: string };
      return { code: failed.status ?? -1, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  assertConfigError(asNobody(["validate"]), /^error\[CONFIG_NOT_FOUND\]: slipway\.yml cannot be read \(permission denied\)$/);
  assertConfigError(asNobody(["run", "--local", "app", "true"]), /^error\[CONFIG_NOT_FOUND\]: slipway\.yml cannot be read \(permission denied\)$/);
});

test("slipway run without any slipway.yml still runs a repository reference (no project is not an error)", async (t) => {
  const dir = project(t);
  const run = await runSlipway(["--state-dir", join(dir, "state"), "run", "--local", "slipway-test/no-such-image-here", "true"], { cwd: dir });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^error\[IMAGE_NOT_FOUND\]/m, "it looked for the image, not for a config");
  assert.doesNotMatch(run.stderr, /CONFIG_/);
});
