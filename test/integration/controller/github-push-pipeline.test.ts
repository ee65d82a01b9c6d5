import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { parseDocument } from "yaml";
import { loadConfig } from "../../../src/config/index.js";
import { startController, type Controller } from "../../../src/controller/controller.js";
import { serviceSelector } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { startManagedProxy, type ProxyHandle } from "../../../src/proxy/index.js";
import { openStore, type PipelineRunRecord, type Store } from "../../../src/store/index.js";
import { ensureEngine } from "../../harness/engine.js";
import { GIT_ENV } from "../build/fixture.js";
import { cleanupTestRun, testLabels } from "../../harness/labels.js";
import { freePort, startRegistry, type TestRegistry } from "../../harness/registry.js";

/**
 * The controller end to end on the data team's example: a GitHub-format push webhook for the
 * app's `test.1` branch makes the test1 environment's pipeline plan, build, test and push the
 * images that use the app, and deploy the `reports` service with the new code, behind Caddy.
 */
const run = promisify(execFile);
const EXAMPLE = join(dirname(new URL(import.meta.url).pathname), "../../../../examples/data-team");
const SECRET = "a-github-webhook-secret";

let root: string;
let dir: string;
let engine: Engine;
let registry: TestRegistry;
let proxy: ProxyHandle;
let store: Store;
let controller: Controller;
let webPort: number;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "slipway-controller-"));
  dir = join(root, "data-team");
  cpSync(EXAMPLE, dir, { recursive: true, filter: (path) => !path.startsWith(join(EXAMPLE, "work")) });
  await run("bash", ["--", join(dir, "prepare.sh")], { env: GIT_ENV });
  engine = await ensureEngine();
  registry = await startRegistry();
  proxy = await startManagedProxy({ stateDir: join(root, "proxy"), adminAddress: `127.0.0.1:${await freePort()}` });
  process.env.SLIPWAY_PROXY_ADMIN = proxy.adminUrl;
  webPort = await freePort();
  await removeReports(engine);

  // The example as a team would extend it: a test1 environment fed by the test.1 branch, the
  // GitHub webhook, and this test run's labels on the images (for cleanup).
  const document = parseDocument(readFileSync(join(dir, "slipway.yml"), "utf8"));
  document.set("registry", `${registry.host}/data-team`);
  document.set("environments", { test1: { branches: ["test.1"] } });
  document.set("controller", { webhooks: { github: { secret: SECRET } } });
  for (const image of ["base", "infra-dev", "infra-prod", "app1-dev", "app1-prod"]) document.setIn(["images", image, "labels"], testLabels());
  document.setIn(["services", "reports", "ports"], [`${webPort}:8080`]);
  writeFileSync(join(dir, "slipway.yml"), document.toString());

  const loaded = await loadConfig({ path: join(dir, "slipway.yml"), env: process.env });
  store = openStore({ stateDir: join(root, "state") });
  controller = await startController({ loaded, stateDir: join(root, "state"), store, engine, listen: { host: "127.0.0.1", port: 0 }, logger: false });
});

after(async () => {
  await controller?.stop();
  await store?.close();
  if (engine) {
    await removeReports(engine);
    await cleanupTestRun(engine);
  }
  await proxy?.stop();
  await registry?.stop();
  delete process.env.SLIPWAY_PROXY_ADMIN;
  rmSync(root, { recursive: true, force: true });
});

test("a GitHub push to test.1 runs the test1 pipeline and test1 serves the new code; a re-delivery does nothing", async () => {
  const commit = await pushBranch(join(dir, "work", "remotes", "app1.git"), "test.1", { "app1/report.sh": '#!/bin/sh\necho "app1 report for test1"\n' });
  const payload = JSON.stringify({
    ref: "refs/heads/test.1",
    before: "0".repeat(40),
    after: commit,
    deleted: false,
    repository: { full_name: "data-team/app1", clone_url: join(dir, "work", "remotes", "app1.git") },
  });
  const delivery = "3c1f2a40-0001-11ef-8000-000000000001";
  const first = await sendGithub(payload, delivery);
  assert.equal(first.status, 202);
  assert.equal(((await first.json()) as { hints: number }).hints, 1);

  const finished = await waitForRun("test1", 300_000);
  assert.equal(finished.status, "succeeded", `pipeline: ${finished.error ?? ""}`);
  assert.equal(finished.source, "app1");
  assert.equal(finished.branch, "test.1");
  assert.equal(finished.commit, commit);
  assert.equal(finished.trigger, "webhook:github");
  const summary = finished.summary as { built: string[]; deployed: string[] };
  assert.deepEqual(summary.built, ["base", "infra-dev", "infra-prod", "app1-dev", "app1-prod"]);
  assert.deepEqual(summary.deployed, ["reports"]);
  const steps = await store.listPipelineSteps(finished.id);
  assert.deepEqual(steps.map((s) => [s.name, s.status]), [["plan", "done"], ["build", "done"], ["deploy reports", "done"]]);
  assert.deepEqual(steps[0]?.detail.branches, { "my-docker": "master", infra: "develop", app1: "test.1" }, "only the app has a test.1 branch");

  const page = await (await fetch(`http://127.0.0.1:${webPort}/`)).text();
  assert.match(page, /app1 report for test1/, "test1 runs the code of the test.1 branch");
  const [deployment] = await store.listDeployments({ service: "reports", environment: "test1" });
  assert.equal(deployment?.status, "succeeded");
  assert.equal(deployment?.trigger, `pipeline:${finished.id}`);

  // GitHub re-delivers the same delivery: acknowledged, nothing queued.
  const again = await sendGithub(payload, delivery);
  assert.equal(again.status, 202);
  assert.equal(((await again.json()) as { duplicate?: boolean }).duplicate, true);
  await controller.queue.idle();
  assert.equal((await store.listPipelineRuns({ environment: "test1" })).length, 1);

  // A wrong signature is refused before anything is queued.
  const forged = await fetch(`${controller.url}/hooks/github`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "forged-1", "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
    body: payload,
  });
  assert.equal(forged.status, 401);
  assert.deepEqual(controller.queue.snapshot(), { running: [], waiting: [] });
});

/** The test1 `reports` containers, from this run or an earlier one that was killed. */
async function removeReports(on: Engine): Promise<void> {
  for (const container of await on.listContainers({ labels: serviceSelector("reports", "test1"), all: true })) await on.removeContainer(container.id, { force: true });
}

test("three pushes in a row coalesce: the superseded run stops at a safe point, one run builds and deploys the newest commit", async () => {
  const before = (await store.listPipelineRuns({ environment: "test1", limit: 100 })).length;
  const remote = join(dir, "work", "remotes", "app1.git");
  // Three commits pushed in a row; their webhooks arrive while the first one's run is under way.
  const commits: string[] = [];
  for (const n of [1, 2, 3]) commits.push(await pushBranch(remote, "test.1", { "app1/report.sh": `#!/bin/sh\necho "app1 report, push ${n}"\n` }, true));
  const newest = commits[2] ?? "";
  for (const commit of commits) {
    const payload = JSON.stringify({ ref: "refs/heads/test.1", after: commit, repository: { clone_url: remote } });
    assert.equal((await sendGithub(payload, `push-${commit}`)).status, 202);
  }
  await controller.queue.idle();
  const runs = (await store.listPipelineRuns({ environment: "test1", limit: 100 })).slice(0, -before || undefined);
  assert.ok(runs.length >= 1 && runs.length <= 2, `three pushes, at most two runs (got ${runs.length})`);
  const [last, ...earlier] = runs;
  assert.equal(last?.status, "succeeded", last?.error);
  assert.equal(last?.commit, newest, "the last run built the newest commit");
  for (const run of earlier) {
    assert.ok(run.status === "cancelled" || run.status === "succeeded", `${run.status}: ${run.error ?? ""}`);
    if (run.status === "cancelled") assert.match(run.error ?? "", /superseded/);
  }
  const page = await (await fetch(`http://127.0.0.1:${webPort}/`)).text();
  assert.match(page, /app1 report, push 3/);
});

function sendGithub(payload: string, delivery: string): Promise<Response> {
  const signature = `sha256=${createHmac("sha256", SECRET).update(payload).digest("hex")}`;
  return fetch(`${controller.url}/hooks/github`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": delivery, "x-hub-signature-256": signature },
    body: payload,
  });
}

async function waitForRun(environment: string, timeoutMs: number): Promise<PipelineRunRecord> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [latest] = await store.listPipelineRuns({ environment, limit: 1 });
    if (latest !== undefined && latest.status !== "running") return latest;
    await sleep(500);
  }
  throw new Error(`no finished ${environment} pipeline run within ${timeoutMs} ms`);
}

/** Creates `branch` in a bare remote from the default branch (or, `existing`, moves it on) with one commit writing `files`. */
async function pushBranch(remote: string, branch: string, files: Record<string, string>, existing = false): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "slipway-clone-"));
  const git = async (...args: string[]): Promise<string> => (await run("git", args, { cwd: work, env: GIT_ENV })).stdout.trim();
  try {
    await git("clone", "--quiet", "--", remote, ".");
    await git("checkout", "--quiet", ...(existing ? [branch] : ["-b", branch]));
    for (const [path, content] of Object.entries(files)) writeFileSync(join(work, path), content, { mode: 0o755 });
    await git("add", "--all");
    await git("commit", "--quiet", "-m", `change for ${branch}`);
    await git("push", "--quiet", "origin", `HEAD:refs/heads/${branch}`);
    return await git("rev-parse", "HEAD");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
