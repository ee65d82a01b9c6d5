import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Engine } from "../../../src/engine/index.js";
import { verifyWebhookSignature } from "../../../src/notify/index.js";
import { openStore } from "../../../src/store/index.js";
import { ensureBaseImage, pushFilesImage } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testRunId } from "../../harness/labels.js";
import { freePort, startRegistry, type TestRegistry } from "../../harness/registry.js";
import { startReceiver, type Receiver } from "../notify/receiver.js";

/**
 * `slipway serve` as a process: its scheduler runs cron jobs in the newest image of their
 * source, their logs rotate, a failing job is notified to a local receiver with a valid
 * signature, and SIGTERM stops the controller cleanly.
 */
const bin = fileURLToPath(new URL("../../../../bin/slipway.js", import.meta.url));
const SECRET = "notify-signing-secret";
const run = promisify(execFile);

let engine: Engine;
let registry: TestRegistry;
let receiver: Receiver;
let work: string;

before(async () => {
  engine = await ensureEngine();
  registry = await startRegistry();
  receiver = await startReceiver();
  work = mkdtempSync(join(tmpdir(), "slipway-serve-"));
  const repository = `${registry.host}/team${testRunId}/tool`;
  const base = await ensureBaseImage(engine);
  for (const [tag, version] of [
    ["20260101T000000Z", "tool v1"],
    ["20260102T000000Z", "tool v2"],
  ] as const) {
    await pushFilesImage(engine, `${repository}:${tag}`, { version: `${version}\n` });
  }

  mkdirSync(join(work, "project", "tool"), { recursive: true });
  writeFileSync(join(work, "project", "tool", "Dockerfile"), `FROM ${base}\n`);
  writeFileSync(
    join(work, "project", "slipway.yml"),
    [
      `registry: ${registry.host}/team${testRunId}`,
      "images:",
      "  tool: { context: ./tool, launch: { home: ./run } }",
      "jobs:",
      "  report:",
      "    image: tool",
      '    schedule: "* * * * * *"',
      "    command: [cat, /version]",
      "    log: { max_size: 400, files: 3 }",
      "  broken:",
      "    image: tool",
      '    schedule: "*/2 * * * * *"',
      '    command: [sh, -c, "echo going wrong; exit 4"]',
      "notify:",
      `  - webhook: ${receiver.url}/hooks/slipway`,
      `    secret: ${SECRET}`,
      "    events: [job-failure]",
      "",
    ].join("\n"),
  );
});

after(async () => {
  await receiver?.close();
  await registry?.stop();
  if (engine) await cleanupTestRun(engine);
  if (work) rmSync(work, { recursive: true, force: true });
});

test("serve runs cron jobs in the newest image, rotates their logs, notifies a failing job, and stops on SIGTERM", async () => {
  const stateDir = join(work, "state");
  const port = await freePort();
  const config = join(work, "project", "slipway.yml");
  const token = (await run(process.execPath, [bin, "-c", config, "--state-dir", stateDir, "token", "create", "ops"])).stdout.trim();
  const child = spawn(process.execPath, [bin, "-c", config, "--state-dir", stateDir, "serve", "--listen", `127.0.0.1:${port}`, "--dashboard", "off"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

  const alive = (): string => (child.exitCode === null ? output : `the controller exited with ${child.exitCode}:\n${output}`);
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true, 20_000, alive);
  await receiver.waitFor(1);

  // A one-off run through the API, under the job's overlap rule; its record answers.
  const api = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });
  let oneOff: { status: string; exitCode?: number; trigger: string } | undefined;
  await waitUntil(
    async () => {
      const response = await api("/api/v1/jobs/report/runs", { method: "POST" });
      if (response.status !== 200) return false;
      oneOff = (await response.json()) as typeof oneOff;
      return oneOff?.status !== "skipped"; // the scheduled run was still running: skipped by the overlap rule, try again
    },
    20_000,
    alive,
  );
  assert.deepEqual([oneOff?.status, oneOff?.exitCode, oneOff?.trigger], ["succeeded", 0, "api"]);
  assert.equal((await api("/api/v1/jobs/nope/runs", { method: "POST" })).status, 404);
  const runs = (await (await api("/api/v1/jobs/report/runs?limit=500")).json()) as { trigger: string }[];
  assert.ok(runs.some((r) => r.trigger === "api"));
  assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/jobs`)).status, 401, "the API needs the token");

  // The CLI against the controller, from a directory without slipway.yml.
  const remoteEnv = { ...process.env, SLIPWAY_URL: `http://127.0.0.1:${port}`, SLIPWAY_TOKEN: token };
  const history = await run(process.execPath, [bin, "pipeline", "history"], { cwd: tmpdir(), env: remoteEnv });
  assert.equal(history.stdout, "no pipeline runs yet\n");
  const unknown = await run(process.execPath, [bin, "job", "run", "nope"], { cwd: tmpdir(), env: remoteEnv }).then(
    () => ({ code: 0, stderr: "" }),
    (error: { code: number; stderr: string }) => error,
  );
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^error\[JOB_NOT_FOUND\]: there is no job "nope"/m);
  await waitUntil(async () => readdirSync(join(stateDir, "logs", "jobs")).filter((f) => f.startsWith("report.log")).length >= 3, 60_000, alive);

  child.kill("SIGTERM");
  assert.equal(await exited, 0, output);
  assert.match(output, /"msg":"stopped"/);

  const logs = readdirSync(join(stateDir, "logs", "jobs"))
    .filter((f) => f.startsWith("report.log"))
    .sort();
  assert.deepEqual(logs, ["report.log", "report.log.1", "report.log.2"], "at most 3 files of 400 bytes");
  const current = readFileSync(join(stateDir, "logs", "jobs", "report.log.1"), "utf8");
  assert.match(current, /tool v2/, "the job ran in the newest image");
  assert.doesNotMatch(current, /tool v1/);

  const store = openStore({ stateDir });
  try {
    const report = await store.listJobRuns({ job: "report", limit: 1000 });
    assert.ok(report.some((r) => r.status === "succeeded" && r.exitCode === 0 && r.trigger === "schedule"));
    assert.ok(
      report.every((r) => r.status !== "running"),
      "no run left running after SIGTERM",
    );
    const broken = await store.listJobRuns({ job: "broken", limit: 1000 });
    assert.ok(broken.some((r) => r.status === "failed" && r.exitCode === 4));
  } finally {
    await store.close();
  }

  const notice = receiver.received[0];
  assert.ok(notice);
  const body = JSON.parse(notice.body) as { event: string; subject: string; outcome: string };
  assert.deepEqual([body.event, body.subject, body.outcome], ["job-failure", "broken", "failed"]);
  assert.ok(
    verifyWebhookSignature(
      SECRET,
      { signature: header(notice.headers["x-slipway-signature"]), timestamp: header(notice.headers["x-slipway-timestamp"]) },
      notice.body,
    ),
    "the receiver can verify the signature",
  );
});

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (context().startsWith("the controller exited")) break;
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`gave up waiting (limit ${timeoutMs} ms); controller output:\n${context()}`);
}
