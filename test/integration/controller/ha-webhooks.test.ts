import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Engine } from "../../../src/engine/index.js";
import { ensureListenerMigration, startDeployWorld, type DeployWorld } from "../../harness/deploy.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels, testName } from "../../harness/labels.js";
import { rowsOf, startPostgres, type TestPostgres } from "../../harness/postgres.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { freePort, waitForBody } from "../proxy/helpers.js";
import { createGitApp, gitAppYaml, sendGithubPush, type Answer, type GitApp } from "./controller-world.js";

/**
 * GitHub pushes to two `slipway serve` on one PostgreSQL database. Either controller accepts a
 * delivery; it goes to the database's inbox in the transaction that records it, and the leader
 * runs the pipeline. The leader is SIGKILLed in the middle of a burst of fifty: every accepted
 * delivery is acted on, the newest commit is built once and served, no commit's deploy doubled.
 */
const bin = fileURLToPath(new URL("../../../../bin/slipway.js", import.meta.url));
const SECRET = "ha-github-secret";
const LEASE_S = 3;

interface Serve {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  readonly exited: Promise<unknown>;
}

let engine: Engine;
let world: DeployWorld;
let registry: TestRegistry;
let postgres: TestPostgres;
let app: GitApp;
let databaseUrl = "";
let root = "";
let siteUrl = "";
const service = testName("ha-site");
const serves: Serve[] = [];

before(async () => {
  engine = await ensureEngine();
  ensureListenerMigration();
  registry = await startRegistry();
  postgres = await startPostgres();
  databaseUrl = await postgres.createDatabase();
  world = await startDeployWorld(engine, await freePort());
  root = mkdtempSync(join(tmpdir(), "slipway-ha-hooks-"));
  app = await createGitApp(root);
  const published = await freePort();
  siteUrl = `http://127.0.0.1:${published}/`;
  writeFileSync(
    join(root, "slipway.yml"),
    [
      ...gitAppYaml({ registry: `${registry.host}/ha-hooks`, remote: app.remote, service, published, labels: testLabels() }),
      "store: { url: '${SLIPWAY_TEST_DATABASE_URL}' }",
      "controller:",
      `  lease: ${LEASE_S}s`,
      "  watch_interval: 1h",
      `  webhooks: { github: { secret: ${SECRET} } }`,
      "",
    ].join("\n"),
  );
});

after(async () => {
  for (const serve of serves) if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill("SIGTERM");
  await Promise.all(serves.map((serve) => Promise.race([serve.exited, sleep(20_000)])));
  for (const serve of serves) if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill("SIGKILL");
  if (root !== "") await run(["down", service, "--env", "test1"]);
  await world?.stop();
  await postgres?.stop();
  await registry?.stop();
  if (engine) await cleanupTestRun(engine);
  if (root) rmSync(root, { recursive: true, force: true });
});

const env = (): NodeJS.ProcessEnv => ({ ...process.env, SLIPWAY_TEST_DATABASE_URL: databaseUrl, SLIPWAY_SECRET_KEY: "cd".repeat(32), SLIPWAY_STORE: "" });

/** Both controllers on one host share the state directory (its Caddy) and, through the database, everything else. */
async function startServe(): Promise<Serve> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [bin, "-c", join(root, "slipway.yml"), "--state-dir", world.stateDir, "serve", "--listen", `127.0.0.1:${port}`, "--dashboard", "off"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: env(),
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const serve: Serve = { child, url: `http://127.0.0.1:${port}`, output: () => output, exited: new Promise((resolve) => child.on("exit", resolve)) };
  serves.push(serve);
  await waitUntil(
    async () => (await fetch(`${serve.url}/healthz`).catch(() => undefined))?.ok === true,
    30_000,
    () => output,
  );
  return serve;
}

async function run(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [bin, "-c", join(root, "slipway.yml"), "--state-dir", world.stateDir, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: env(),
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, output };
}

async function leaderPid(): Promise<number | undefined> {
  const [row] = await rowsOf(databaseUrl, "SELECT holder FROM leadership WHERE name = 'controller'");
  return row === undefined ? undefined : Number(String(row["holder"]).split(":")[1]);
}

async function runs(): Promise<{ id: number; commit: string; status: string; trigger: string; error: string }[]> {
  return (await rowsOf(databaseUrl, "SELECT id, commit_sha, status, trigger, error FROM pipeline_runs WHERE environment = 'test1' ORDER BY id")).map((row) => ({
    id: Number(row["id"]),
    commit: String(row["commit_sha"]),
    status: String(row["status"]),
    trigger: String(row["trigger"]),
    error: String(row["error"] ?? ""),
  }));
}

test("a push accepted by the follower is run once, by the leader; doctor names the leader", async () => {
  const a = await startServe();
  await waitUntil(async () => (await leaderPid()) === a.child.pid, 20_000, a.output);
  const b = await startServe();
  const commit = await app.commit("test.1", "page 0");
  const answer = await sendGithubPush(b.url, SECRET, { remote: app.remote, branch: "test.1", commit, delivery: `warm-${commit}` });
  assert.equal(answer.status, 202, answer.body);
  await waitForBody(siteUrl, "page 0", 180_000);
  const [item] = await rowsOf(databaseUrl, "SELECT received_by, taken_by, status FROM inbox");
  assert.equal(Number(String(item?.["received_by"]).split(":")[1]), b.child.pid, "the follower accepted it");
  assert.equal(Number(String(item?.["taken_by"]).split(":")[1]), a.child.pid, "the leader took it");
  assert.equal(item?.["status"], "done");
  assert.deepEqual(
    (await runs()).map((r) => [r.commit, r.status, r.trigger]),
    [[commit, "succeeded", "webhook:github"]],
  );
  assert.doesNotMatch(b.output(), /pipeline queued/, "the follower ran no pipeline");

  const doctor = await run(["doctor"]);
  assert.match(doctor.output, new RegExp(`controller\\S*\\s+.*:${a.child.pid}:[0-9a-f]+ leads since \\S+ \\(epoch 1\\)`));
});

test("the leader SIGKILLed in the middle of fifty pushes: every accepted one is acted on, the newest commit is built once and served", async () => {
  const [a, b] = serves.filter((serve) => serve.child.exitCode === null);
  assert.ok(a && b && (await leaderPid()) === a.child.pid, "the first test leaves a leader and a follower");
  const before = (await runs()).length;
  const commits: string[] = [];
  const answers: (Answer | undefined)[] = [];
  for (let i = 0; i < 50; i += 1) {
    if (i % 17 === 0) commits.push(await app.commit("test.1", `burst ${commits.length + 1}`));
    if (i === 25) {
      a.child.kill("SIGKILL");
      await a.exited;
    }
    const to = i % 2 === 0 ? a : b;
    answers.push(
      await sendGithubPush(to.url, SECRET, { remote: app.remote, branch: "test.1", commit: commits.at(-1) ?? "", delivery: `burst-${i}` }).catch(
        () => undefined,
      ),
    );
  }
  const accepted = answers.filter((answer) => answer?.status === 202).length;
  assert.ok(accepted >= 37, `only ${accepted} of 50 pushes were accepted`);
  assert.ok(
    answers.every((answer) => answer === undefined || answer.status === 202),
    "a push was answered with an error, not accepted or refused at the door",
  );

  const newest = commits.at(-1) ?? "";
  await waitUntil(async () => (await leaderPid()) === b.child.pid, 20_000, b.output);
  await waitForBody(siteUrl, `burst ${commits.length}`, 240_000);
  await waitUntil(
    async () => {
      const open = await rowsOf(databaseUrl, "SELECT count(*) AS n FROM inbox WHERE status <> 'done'");
      return Number(open[0]?.["n"]) === 0;
    },
    60_000,
    b.output,
  );
  const items = await rowsOf(databaseUrl, "SELECT delivery_id FROM inbox WHERE delivery_id LIKE 'burst-%'");
  assert.equal(items.length, accepted, "every accepted push is in the inbox, once");

  await waitUntil(async () => (await runs()).every((r) => r.status !== "running"), 120_000, b.output);
  const burst = (await runs()).slice(before);
  const shown = burst.map((r) => `#${r.id} ${r.commit.slice(0, 7)} ${r.status} ${r.trigger}`).join("\n  ");
  const built = burst.filter((r) => r.status === "succeeded");
  assert.ok(
    built.some((r) => r.commit === newest),
    `the newest commit was not built:\n  ${shown}`,
  );
  for (const r of burst.filter((r) => r.status === "failed")) assert.match(r.error, /^interrupted: \S+ stopped leading before the run finished$/, shown);
  const deploys = await rowsOf(databaseUrl, `SELECT to_revision, status FROM deployments WHERE service = '${service}' ORDER BY id`);
  const revisions = deploys.filter((d) => d["status"] === "succeeded").map((d) => Number(d["to_revision"]));
  assert.equal(new Set(revisions).size, revisions.length, `a revision was deployed twice: ${revisions.join(", ")}`);
  const images = await rowsOf(databaseUrl, `SELECT image FROM revisions WHERE service = '${service}' ORDER BY revision`);
  assert.equal(new Set(images.map((r) => r["image"])).size, images.length, "one commit's image became two revisions");
  console.log(`burst: ${accepted} of 50 accepted, ${burst.length} run(s):\n  ${shown}`);
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, why: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  assert.fail(`timed out after ${timeoutMs} ms:\n${why().slice(-4000)}`);
}
