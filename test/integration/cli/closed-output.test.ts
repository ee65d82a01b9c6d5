import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openStore } from "../../../src/store/index.js";
import { SLIPWAY_BIN } from "../../harness/cli.js";

/**
 * `slipway ... | head -1`: the reader takes one line and exits, so the CLI's next write fails
 * with EPIPE. Every command stops quietly then: exit status 0, nothing on stderr (issue 12, item 8).
 * The output is larger than a pipe's buffer (64 KiB), so a write is always pending when head exits.
 */
interface PipedRun {
  readonly firstLine: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** `node bin/slipway.js ARGS | head -n 1`, two real processes joined by a pipe, as a shell would. */
function slipwayIntoHead(args: readonly string[], cwd: string): Promise<PipedRun> {
  const head = spawn("head", ["-n", "1"], { stdio: ["pipe", "pipe", "inherit"] });
  const slipway = spawn(process.execPath, [SLIPWAY_BIN, ...args], { cwd, stdio: ["ignore", head.stdin, "pipe"] });
  head.stdin.destroy(); // the CLI holds the only write end, as in a shell pipeline
  let firstLine = "";
  let stderr = "";
  head.stdout.on("data", (chunk: Buffer) => (firstLine += chunk.toString("utf8")));
  slipway.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const headDone = new Promise<void>((resolve) => head.on("close", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      slipway.kill("SIGKILL");
      reject(new Error(`slipway ${args.join(" ")} did not stop after its reader exited; stderr: ${stderr}`));
    }, 60_000);
    slipway.on("close", (code, signal) => {
      clearTimeout(timer);
      void headDone.then(() => resolve({ firstLine: firstLine.trimEnd(), code, signal, stderr }));
    });
  });
}

function project(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-closed-output-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "slipway.yml"), "images: {}\n");
  return dir;
}

function assertQuiet(run: PipedRun): void {
  assert.equal(run.stderr, "", "nothing on stderr: no EPIPE, no stack trace");
  assert.equal(run.signal, null);
  assert.equal(run.code, 0);
}

test("slipway pipeline history | head -1 prints the newest run and stops quietly", async (t) => {
  const dir = project(t);
  const store = openStore({ stateDir: join(dir, "state") });
  const runs = 1_500; // about 150 KiB of history lines
  for (let n = 1; n <= runs; n += 1) {
    const run = await store.startPipelineRun({ environment: "default", source: "app", branch: "main", commit: "0123456789abcdef", trigger: "cli" });
    await store.finishPipelineRun(run.id, { status: "succeeded" });
  }
  await store.close();

  const run = await slipwayIntoHead(["--state-dir", join(dir, "state"), "pipeline", "history", "--limit", String(runs)], dir);
  assert.match(run.firstLine, new RegExp(`^#${runs}  default  app@main 0123456  succeeded`));
  assertQuiet(run);
});
