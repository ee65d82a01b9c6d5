import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistry } from "../../harness/registry.js";
import { runSlipway, type CliRun } from "../../harness/cli.js";

type Run = CliRun;

function slipway(dir: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runSlipway(["--state-dir", join(dir, "state"), ...args], { cwd: dir, env, timeoutMs: 60_000 });
}

function project(t: { after(fn: () => void): void }, yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-bad-input-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "slipway.yml"), yaml);
  return dir;
}

/** One clear message: a single error line with its code, a non-zero exit, and no stack trace. */
function assertOneClearError(run: Run, code: string, pattern: RegExp): void {
  assert.notEqual(run.code, 0, `exit code was 0; stderr: ${run.stderr}`);
  const errors = run.stderr.split("\n").filter((line) => line.startsWith("error["));
  assert.equal(errors.length, 1, run.stderr);
  assert.match(errors[0] ?? "", new RegExp(`^error\\[${code}\\]`), run.stderr);
  assert.match(run.stderr, pattern);
  assert.doesNotMatch(run.stderr, /^\s+at .+\(.*:\d+:\d+\)$/m, "no stack trace without --debug");
}

const SERVICE = `
services:
  web:
    image: busybox:latest
    command: [httpd, -f, -p, "8080"]
    ports: ["18999:8080"]
`;

test("malformed YAML names the line and column", async (t) => {
  const dir = project(t, "sources:\n  app: { repo: ./x.git, branch: main\nimages: {}\n");
  const run = await slipway(dir, ["validate"]);
  assertOneClearError(run, "CONFIG_SYNTAX", /slipway\.yml:\d+:\d+/);
  assert.equal(run.code, 2);
});

test("a misspelt key says which key was meant", async (t) => {
  const dir = project(t, "imagez: {}\n");
  assertOneClearError(await slipway(dir, ["validate"]), "CONFIG_INVALID", /slipway\.yml:1:1.*did you mean "images"/s);
});

test("a value of the wrong type says what was expected", async (t) => {
  const dir = project(t, "sources:\n  app:\n    repo: ./x.git\n    paths: app/\n");
  assertOneClearError(await slipway(dir, ["validate"]), "CONFIG_INVALID", /slipway\.yml:4:\d+.*expected/s);
});

test("an undefined variable is named, with where it is used", async (t) => {
  const dir = project(t, "registry: ${NO_SUCH_REGISTRY_VAR}/team\n");
  assertOneClearError(
    await slipway(dir, ["validate"], { NO_SUCH_REGISTRY_VAR: undefined }),
    "CONFIG_VARIABLE",
    /slipway\.yml:1:11: variable NO_SUCH_REGISTRY_VAR is not set/,
  );
});

test("a missing config file says how to create one", async (t) => {
  const dir = project(t, "");
  const run = await slipway(dir, ["--config", "nope.yml", "validate"]);
  assertOneClearError(run, "CONFIG_NOT_FOUND", /nope\.yml[\s\S]*slipway init/);
});

test("an unreachable Docker socket says how to start the engine", async (t) => {
  const dir = project(t, SERVICE);
  const run = await slipway(dir, ["logs", "web"], { DOCKER_HOST: "unix:///tmp/slipway-no-such.sock" });
  assertOneClearError(run, "ENGINE_UNREACHABLE", /\/tmp\/slipway-no-such\.sock[\s\S]*dockerd/);
});

test("an unreachable registry names its address", async (t) => {
  const dir = project(t, "registry: 127.0.0.1:1/team\nimages:\n  app: { context: ./app }\n");
  const run = await slipway(dir, ["images", "latest", "app"]);
  assertOneClearError(run, "REGISTRY_UNREACHABLE", /127\.0\.0\.1:1/);
  assert.equal(run.code, 3, "a registry that is down is upstream's failure: exit 3");
});

test("wrong registry credentials are refused without showing the password", async (t) => {
  const registry = await startRegistry({ auth: { username: "ana", password: "right-password" } });
  t.after(() => registry.stop());
  const dir = project(t, `registry:\n  url: ${registry.host}/team\n  username: ana\n  password: \${REG_PASSWORD}\nimages:\n  app: { context: ./app }\n`);
  const run = await slipway(dir, ["images", "latest", "app"], { REG_PASSWORD: "wrong-password-123" });
  assertOneClearError(run, "REGISTRY_AUTH", new RegExp(registry.host.replace(/\./g, "\\.")));
  assert.doesNotMatch(run.stderr + run.stdout, /wrong-password-123|right-password/);
});

test("an invalid image reference or tag is refused before it reaches the engine", async (t) => {
  const dir = project(t, SERVICE);
  assertOneClearError(await slipway(dir, ["deploy", "web", "--image", "Busybox/Upper:1"]), "REFERENCE_INVALID", /uppercase/);
  assertOneClearError(await slipway(dir, ["deploy", "web", "--image", "busybox:-bad"]), "REFERENCE_INVALID", /busybox:-bad/);
});

test("a git remote or branch that does not exist is named, with the branches that do", async (t) => {
  const missingRemote = project(
    t,
    'registry: 127.0.0.1:5000/team\nsources:\n  app: { repo: ./no-such-repo.git, branch: main }\nimages:\n  app: { context: "app:" }\n',
  );
  assertOneClearError(await slipway(missingRemote, ["plan"]), "GIT_REMOTE_UNREACHABLE", /no-such-repo\.git/);

  const dir = project(t, 'registry: 127.0.0.1:5000/team\nsources:\n  app: { repo: ./repo.git, branch: mian }\nimages:\n  app: { context: "app:" }\n');
  await new Promise<void>((resolve, reject) => {
    execFile("git", ["init", "-q", "--bare", "-b", "main", join(dir, "repo.git")], (error) => (error ? reject(error) : resolve()));
  });
  const seed = join(dir, "seed");
  for (const args of [
    ["init", "-q", "-b", "main", seed],
    ["-C", seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "one"],
    ["-C", seed, "push", "-q", join(dir, "repo.git"), "main"],
  ]) {
    await new Promise<void>((resolve, reject) => execFile("git", args, (error) => (error ? reject(error) : resolve())));
  }
  assertOneClearError(await slipway(dir, ["plan"]), "GIT_BRANCH_NOT_FOUND", /mian[\s\S]*main/);
});

test("the controller's bad inputs: a port in use, a bad listen address, a bad webhook config, an unknown job", async (t) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  t.after(() => busy.close());
  const port = (busy.address() as AddressInfo).port;
  const dir = project(t, SERVICE);
  assertOneClearError(await slipway(dir, ["serve", "--listen", `127.0.0.1:${port}`]), "LISTEN_FAILED", new RegExp(`127\\.0\\.0\\.1:${port}[\\s\\S]*in use`));
  assertOneClearError(await slipway(dir, ["serve", "--listen", "nonsense"]), "USAGE", /host:port/);
  assertOneClearError(await slipway(dir, ["serve", "--dashboard", "nonsense"]), "USAGE", /--dashboard nonsense is not host:port or off/);
  const dashboardConfig = project(t, "controller:\n  dashboard: { listen: nowhere, session: 10s }\n");
  assertOneClearError(
    await slipway(dashboardConfig, ["validate"]),
    "CONFIG_INVALID",
    /controller\.dashboard\.listen: expected host:port[\s\S]*controller\.dashboard\.session/,
  );
  const hooks = project(t, 'controller:\n  webhooks:\n    github: { secret: "" }\n    bitbucket: {}\n');
  const run = await slipway(hooks, ["validate"]);
  assertOneClearError(run, "CONFIG_INVALID", /controller\.webhooks\.github\.secret[\s\S]*controller\.webhooks\.bitbucket: unknown key/);
  assertOneClearError(await slipway(dir, ["job", "run", "nightly"]), "JOB_NOT_FOUND", /nightly/);
});
