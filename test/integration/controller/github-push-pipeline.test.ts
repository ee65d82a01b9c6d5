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
import { GIT_ENV } from "../builder/fixture.js";
import { cleanupTestRun, testLabels } from "../../harness/labels.js";
import { freePort, startRegistry, type TestRegistry } from "../../harness/registry.js";
import { runSlipway, type CliRun } from "../../harness/cli.js";

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
  // prod (fed by release) builds too, but `reports` runs in test1 only: one published port.
  document.set("environments", { test1: { branches: ["test.1"] }, prod: { branches: ["release"] } });
  document.setIn(["services", "reports", "environments"], ["test1"]);
  document.set("jobs", { report: { image: "app1-prod", environment: "test1", schedule: "0 0 1 1 *", command: ["/opt/my-org/app1/app1/report.sh"] } });
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
  assert.deepEqual(
    steps.map((s) => [s.name, s.status]),
    [
      ["plan", "done"],
      ["build", "done"],
      ["tag", "done"],
      ["deploy reports", "done"],
    ],
  );
  assert.deepEqual(
    steps[2]?.detail.tagged,
    ["base", "infra-dev", "infra-prod", "app1-dev", "app1-prod"].map((image) => `${registry.host}/data-team/${image}:test1`).sort(),
  );
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
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": "forged-1",
      "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
    },
    body: payload,
  });
  assert.equal(forged.status, 401);
  assert.deepEqual(controller.queue.snapshot(), { running: [], waiting: [] });
});

/** The test1 `reports` containers, from this run or an earlier one that was killed. */
async function removeReports(on: Engine): Promise<void> {
  for (const container of await on.listContainers({ labels: serviceSelector("reports", "test1"), all: true }))
    await on.removeContainer(container.id, { force: true });
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

test("each environment runs its own build: deploy, jobs, the launcher and images latest take the environment's tag, never another branch's newer build", async () => {
  const remote = join(dir, "work", "remotes", "app1.git");
  const cli = (...args: string[]): Promise<CliRun> => slipway(["--config", join(dir, "slipway.yml"), "--state-dir", join(root, "state"), ...args]);

  // Before prod ever built: no stand-in from test1, one clear message.
  const none = await cli("images", "latest", "app1-prod", "--env", "prod");
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /^error\[IMAGE_NOT_FOUND\]: .*app1-prod has no build for the environment prod yet \(there is no tag prod\)/m);
  assert.match(none.stderr, /slipway build --env prod --push/);

  // release -> prod: built after test1's, so the newest by tag scheme is prod's.
  await pushBranch(remote, "release", { "app1/report.sh": '#!/bin/sh\necho "app1 report for prod"\n' });
  const [queued] = controller.triggerPipelines("app1", "release", "test");
  assert.equal(queued?.environment, "prod");
  const prodRun = await waitForRun("prod", 300_000);
  assert.equal(prodRun.status, "succeeded", prodRun.error);
  assert.deepEqual((prodRun.summary as { deployed: string[] }).deployed, [], "reports does not run in prod");

  const latest = async (...env: string[]): Promise<{ reference: string; digest: string }> => {
    const answer = await cli("images", "latest", "app1-prod", "--json", ...env);
    assert.equal(answer.code, 0, answer.stderr);
    return JSON.parse(answer.stdout) as { reference: string; digest: string };
  };
  const [test1, prod, newest] = [await latest("--env", "test1"), await latest("--env", "prod"), await latest()];
  assert.notEqual(test1.digest, prod.digest);
  assert.equal(newest.digest, prod.digest, "without an environment: the newest by tag scheme, prod's");
  assert.ok(test1.reference.endsWith(`@${test1.digest}`), "pinned by digest");

  // A job of test1 runs test1's build, although prod's is newer.
  const job = await cli("job", "run", "report");
  assert.equal(job.code, 0, job.stderr);
  assert.match(job.stdout, /app1 report, push 3/, job.stderr);

  // The launcher: --environment picks the build; a job's environment is the default with --job.
  const launched = await cli("run", "--home", join(root, "run"), "--environment", "prod", "app1-prod", "--", "/opt/my-org/app1/app1/report.sh");
  assert.equal(launched.code, 0, launched.stderr);
  assert.match(launched.stdout, /app1 report for prod/, launched.stderr);
  const asJob = await cli("run", "--home", join(root, "run"), "--job", "report", "app1-prod", "--", "/opt/my-org/app1/app1/report.sh");
  assert.equal(asJob.code, 0, asJob.stderr);
  assert.ok(asJob.stderr.includes(`@${test1.digest}`), `the job's environment picked test1's build: ${asJob.stderr}`);
  const mixed = await cli("run", "--local", "--environment", "prod", "app1-prod");
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /^error\[USAGE\]: --local and --environment prod do not go together/m);

  // deploy --env test1 without --image takes test1's build: what the pipeline deployed.
  const deployed = await cli("deploy", "reports", "--env", "test1", "--json");
  assert.equal(deployed.code, 0, deployed.stderr);
  assert.equal((JSON.parse(deployed.stdout) as { status: string }).status, "unchanged", "the same image and spec the pipeline deployed: nothing to do");
  assert.match(await (await fetch(`http://127.0.0.1:${webPort}/`)).text(), /app1 report, push 3/, "test1 still serves test1's code");

  // `slipway build --env prod --push` moves prod's tags (here: every image is up to date).
  const built = await cli("build", "--env", "prod", "--push", "--json");
  assert.equal(built.code, 0, built.stderr);
  assert.deepEqual((JSON.parse(built.stdout) as { tagged?: string[] }).tagged?.length, 5);
  const typo = await cli("build", "--env", "prdo");
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^error\[CONFIG_INVALID\]: there is no environment "prdo" in slipway.yml/m);
});

function slipway(args: readonly string[]): Promise<CliRun> {
  return runSlipway(args, { cwd: dir, env: { SLIPWAY_URL: "" }, timeoutMs: 300_000 });
}

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
