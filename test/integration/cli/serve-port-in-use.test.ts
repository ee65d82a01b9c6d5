import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SLIPWAY_BIN } from "../../harness/cli.js";

// Everything the controller sets up before it listens: a job on a schedule, an auto-updated
// service (a tag poller), a watched source, webhooks and a notify target. None of it may keep
// the process alive once listening failed.
const CONFIG = `
registry: 127.0.0.1:9/team
sources:
  app: { repo: ./app.git, branch: main }
images:
  tool: { context: "app:." }
services:
  web:
    image: busybox:latest
    command: [httpd, -f, -p, "8080"]
    update: { auto: true }
jobs:
  nightly:
    image: tool
    schedule: "0 3 * * *"
    command: ["true"]
controller:
  webhooks:
    github: { secret: port-in-use-secret }
notify:
  - webhook: http://127.0.0.1:9/hook
`;

/** `slipway <args>` as a process: its exit code, stderr, and how long it ran after printing its error. */
function serveUntilExit(cwd: string, args: readonly string[]): Promise<{ code: number | null; stderr: string; afterErrorMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLIPWAY_BIN, ...args], { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let errorAt: number | undefined;
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (errorAt === undefined && stderr.includes("error[")) errorAt = Date.now();
    });
    // Starting takes a few seconds on a busy machine; still running long after is the bug.
    const kill = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(kill);
      resolve({ code, stderr, afterErrorMs: errorAt === undefined ? Number.NaN : Date.now() - errorAt });
    });
  });
}

test("slipway serve on a port in use exits at once, non-zero, with one LISTEN_FAILED message", async (t) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  t.after(() => busy.close());
  const port = (busy.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), "slipway-port-in-use-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "slipway.yml"), CONFIG.replace("controller:\n", `controller:\n  listen: 127.0.0.1:${port}\n`));

  for (const args of [["serve"], ["serve", "--listen", `127.0.0.1:${port}`]]) {
    const run = await serveUntilExit(dir, ["--state-dir", join(dir, "state"), ...args]);
    assert.notEqual(run.code, null, `slipway ${args.join(" ")} still ran 60 s after it started (killed); stderr: ${run.stderr}`);
    assert.equal(run.code, 2, run.stderr);
    assert.ok(run.afterErrorMs < 3000, `it exited ${run.afterErrorMs} ms after printing its error`);
    const errors = run.stderr.split("\n").filter((line) => line.startsWith("error["));
    assert.deepEqual(errors, [`error[LISTEN_FAILED]: the controller cannot listen on 127.0.0.1:${port}: the port is in use`], run.stderr);
    assert.match(run.stderr, /^hint: .*--listen or controller\.listen/m);
    assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
  }
});

test("slipway serve whose dashboard port is in use exits at once with LISTEN_FAILED naming the dashboard, and leaves its API port free", async (t) => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  t.after(() => busy.close());
  const port = (busy.address() as AddressInfo).port;
  const free = createServer();
  await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
  const apiPort = (free.address() as AddressInfo).port;
  await new Promise<void>((resolve) => free.close(() => resolve()));
  const dir = mkdtempSync(join(tmpdir(), "slipway-dashboard-in-use-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "slipway.yml"), CONFIG);

  const run = await serveUntilExit(dir, ["--state-dir", join(dir, "state"), "serve", "--listen", `127.0.0.1:${apiPort}`, "--dashboard", `127.0.0.1:${port}`]);
  assert.equal(run.code, 2, run.stderr);
  assert.ok(run.afterErrorMs < 3000, `it exited ${run.afterErrorMs} ms after printing its error`);
  const errors = run.stderr.split("\n").filter((line) => line.startsWith("error["));
  assert.deepEqual(errors, [`error[LISTEN_FAILED]: the dashboard cannot listen on 127.0.0.1:${port}: the port is in use`], run.stderr);
  assert.match(run.stderr, /^hint: .*--dashboard or controller\.dashboard\.listen \(or --dashboard off\)/m);
  // The API port it had opened is closed again.
  const again = createServer();
  await new Promise<void>((resolve, reject) => {
    again.once("error", reject);
    again.listen(apiPort, "127.0.0.1", resolve);
  });
  await new Promise<void>((resolve) => again.close(() => resolve()));
});
