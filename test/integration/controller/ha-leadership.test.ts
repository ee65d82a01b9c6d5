import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureBaseImage, pushFilesImage } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testRunId } from "../../harness/labels.js";
import { rowsOf, startPostgres, type TestPostgres } from "../../harness/postgres.js";
import { freePort, startRegistry, type TestRegistry } from "../../harness/registry.js";
import type { Engine } from "../../../src/engine/index.js";

/**
 * Two `slipway serve` on one PostgreSQL database, as an ops team runs them for failover: one
 * leads and runs the job schedule, the other follows. The leader SIGKILLed: the follower takes
 * over within the lease and the schedule goes on, no run doubled. The leader paused (SIGSTOP)
 * past its lease: the other takes over, and the old leader, resumed, writes nothing.
 */
const bin = fileURLToPath(new URL("../../../../bin/slipway.js", import.meta.url));
const LEASE_S = 3;
const SECRET_KEY = "ab".repeat(32);

interface Serve {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
  exited: Promise<number | null>;
}

let engine: Engine;
let registry: TestRegistry;
let postgres: TestPostgres;
let url = "";
let work = "";
const serves: Serve[] = [];

before(async () => {
  engine = await ensureEngine();
  registry = await startRegistry();
  postgres = await startPostgres();
  url = await postgres.createDatabase();
  work = mkdtempSync(join(tmpdir(), "slipway-ha-"));
  const repository = `${registry.host}/ha${testRunId}/tool`;
  const base = await ensureBaseImage(engine);
  await pushFilesImage(engine, `${repository}:20260101T000000Z`, { version: "tool v1\n" });
  mkdirSync(join(work, "project", "tool"), { recursive: true });
  writeFileSync(join(work, "project", "tool", "Dockerfile"), `FROM ${base}\n`);
  writeFileSync(
    join(work, "project", "slipway.yml"),
    [
      `registry: ${registry.host}/ha${testRunId}`,
      "store: { url: '${SLIPWAY_TEST_DATABASE_URL}' }",
      `controller: { lease: ${LEASE_S}s }`,
      "images:",
      "  tool: { context: ./tool }",
      "jobs:",
      "  tick:",
      "    image: tool",
      '    schedule: "*/2 * * * * *"',
      "    command: [cat, /version]",
      "",
    ].join("\n"),
  );
});

after(async () => {
  for (const serve of serves) if (serve.child.exitCode === null) serve.child.kill("SIGKILL");
  await Promise.all(serves.map((serve) => serve.exited));
  await postgres?.stop();
  await registry?.stop();
  if (engine) await cleanupTestRun(engine);
  if (work) rmSync(work, { recursive: true, force: true });
});

async function startServe(name: string): Promise<Serve> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [bin, "-c", join(work, "project", "slipway.yml"), "--state-dir", join(work, name), "serve", "--listen", `127.0.0.1:${port}`, "--dashboard", "off"],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SLIPWAY_TEST_DATABASE_URL: url, SLIPWAY_SECRET_KEY: SECRET_KEY, SLIPWAY_STORE: "" } },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const serve: Serve = { child, port, output: () => output, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
  serves.push(serve);
  await waitUntil(
    async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
    30_000,
    () => output,
  );
  return serve;
}

async function leader(): Promise<{ holder: string; epoch: number; since: Date } | undefined> {
  const [row] = await rowsOf(url, "SELECT holder, epoch, since FROM leadership WHERE name = 'controller'");
  return row === undefined ? undefined : { holder: String(row["holder"]), epoch: Number(row["epoch"]), since: new Date(row["since"] as string | Date) };
}

const pidOf = (holder: string): number => Number(holder.split(":")[1]);

async function scheduledRuns(): Promise<Date[]> {
  const rows = await rowsOf(url, "SELECT started_at FROM job_runs WHERE job = 'tick' AND trigger = 'schedule' AND status <> 'skipped' ORDER BY started_at");
  return rows.map((row) => new Date(row["started_at"] as string | Date));
}

/** Scheduled runs that fell in the same two-second slot of the schedule: a run made twice. */
function doubled(runs: readonly Date[]): string[] {
  const slots = new Map<number, number>();
  for (const run of runs) slots.set(Math.floor(run.getTime() / 2000), (slots.get(Math.floor(run.getTime() / 2000)) ?? 0) + 1);
  return [...slots].filter(([, count]) => count > 1).map(([slot]) => new Date(slot * 2000).toISOString());
}

test("the leader SIGKILLed: the follower takes over within the lease and the schedule goes on, no run doubled", async () => {
  const a = await startServe("a");
  await waitUntil(async () => pidOf((await leader())?.holder ?? "") === a.child.pid, 20_000, a.output);
  const b = await startServe("b");
  await waitUntil(async () => (await scheduledRuns()).length >= 3, 30_000, a.output);
  assert.equal(pidOf((await leader())?.holder ?? ""), a.child.pid, "the first controller still leads: a follower does not take over a live leader");

  const aHolder = (await leader())?.holder ?? "";
  const killedAt = Date.now();
  a.child.kill("SIGKILL");
  await a.exited;
  await waitUntil(async () => pidOf((await leader())?.holder ?? "") === b.child.pid, 20_000, b.output);
  const takeoverMs = Date.now() - killedAt;
  console.log(`takeover after SIGKILL of the leader: ${takeoverMs} ms (lease ${LEASE_S} s)`);
  assert.ok(takeoverMs < LEASE_S * 1000 * 2, `the follower took ${takeoverMs} ms to take over`);
  assert.equal((await leader())?.epoch, 2);
  const before = (await scheduledRuns()).length;
  await waitUntil(async () => (await scheduledRuns()).length >= before + 3, 30_000, b.output);
  const runs = await scheduledRuns();
  assert.deepEqual(doubled(runs), [], "a scheduled run was made twice");
  const gaps = runs.slice(1).map((run, n) => run.getTime() - (runs[n]?.getTime() ?? 0));
  assert.ok(Math.max(...gaps) < 2000 + LEASE_S * 1000 * 2, `the schedule stopped for ${Math.max(...gaps)} ms`);
  assert.match(b.output(), /"msg":"leading: starting pollers, schedules, auto-updates and the reconcile loop"/);
  const killed = await runsBy(aHolder);
  assert.ok(killed.length >= 3, "the killed leader's runs are attributed to it");
  for (const run of killed.filter((r) => r.status === "failed")) assert.match(run.error, /^interrupted: \S+ stopped leading before the run finished$/);
  assert.ok(
    killed.every((r) => r.status !== "running"),
    "a run the killed leader left running still says running",
  );
});

/** Job runs of a controller, by the holder name it leads with. */
async function runsBy(holder: string): Promise<{ startedAt: Date; status: string; error: string }[]> {
  const rows = await rowsOf(url, `SELECT started_at, status, error FROM job_runs WHERE controller = '${holder}' ORDER BY id`);
  return rows.map((row) => ({ startedAt: new Date(row["started_at"] as string | Date), status: String(row["status"]), error: String(row["error"] ?? "") }));
}

test("the leader paused past its lease: the other takes over, and the old leader, resumed, writes nothing and steps down", async () => {
  const current = serves.find((serve) => serve.child.exitCode === null && serve.child.signalCode === null);
  assert.ok(current, "the previous test leaves a leader running");
  assert.equal(pidOf((await leader())?.holder ?? ""), current.child.pid);
  const follower = await startServe("c");
  await sleep(500);
  const epoch = (await leader())?.epoch ?? 0;
  const oldHolder = (await leader())?.holder ?? "";

  current.child.kill("SIGSTOP");
  const stoppedAt = new Date();
  await waitUntil(async () => pidOf((await leader())?.holder ?? "") === follower.child.pid, 20_000, follower.output);
  assert.equal((await leader())?.epoch, epoch + 1);
  const takeover = (await leader())?.since ?? new Date();
  await sleep(1_000);
  const resumedAt = new Date();
  current.child.kill("SIGCONT");
  await waitUntil(async () => /leadership lost: stopping the leader's work/.test(current.output()), 20_000, current.output);
  const before = (await scheduledRuns()).length;
  await waitUntil(async () => (await scheduledRuns()).length >= before + 3, 30_000, follower.output);

  const runs = await scheduledRuns();
  assert.deepEqual(doubled(runs), [], "a scheduled run was made twice");
  // Its overdue cron fires on resume: the run it tries to record is refused by the fence.
  const resumed = current.output().slice(current.output().lastIndexOf("leadership lost"));
  for (const attempt of resumed.match(/the scheduled run failed: [^"]*/g) ?? []) assert.match(attempt, /no longer leads \(controller, epoch \d+\)/);
  console.log(`the resumed leader's refused writes: ${(resumed.match(/no longer leads/g) ?? []).length}`);
  const stale = await rowsOf(
    url,
    `SELECT count(*) AS n FROM job_runs WHERE job = 'tick' AND started_at > '${stoppedAt.toISOString()}' AND started_at < '${resumedAt.toISOString()}' AND status = 'running'`,
  );
  assert.equal(Number(stale[0]?.["n"]), 0);
  assert.equal(pidOf((await leader())?.holder ?? ""), follower.child.pid, "the resumed old leader did not take leadership back");
  const old = await runsBy(oldHolder);
  assert.ok(old.length > 0, "the test attributes runs to the controller that ran them");
  assert.deepEqual(
    old.filter((run) => run.startedAt >= takeover),
    [],
    "the old leader recorded a run after the takeover",
  );
  assert.deepEqual(
    old.filter((run) => run.status === "running"),
    [],
    "a run of the old leader was left running",
  );
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, why: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  assert.fail(`timed out after ${timeoutMs} ms:\n${why().slice(-4000)}`);
}
