import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../../src/config/index.js";
import type { Controller } from "../../../src/controller/controller.js";
import { deployService, serviceSelector, specFromConfig } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import type { PipelineRunRecord } from "../../../src/store/index.js";
import { buildWebImages, ensureListenerMigration, startDeployWorld, webCommand, type DeployWorld } from "../../harness/deploy.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels, testName } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { assertNoFailedRequests, assertOnlyAnswers, underLoad } from "../deploy/fixture.js";
import { freePort, get, waitForBody } from "../proxy/helpers.js";
import {
  createGitApp,
  gitAppYaml,
  overlaps,
  sendGithubPush,
  sendRegistryPush,
  startFromConfig,
  waitUntil,
  watchedServiceYaml,
  within,
  type Answer,
  type GitApp,
  type StartedController,
} from "./controller-world.js";

/**
 * The controller under webhook bursts and a broken notifier, end to end (real registry,
 * engine, git and Caddy): fifty registry notifications for one watched tag, and fifty GitHub
 * pushes for one environment's branch, each coalesce into a few runs, one at a time, ending on
 * the newest version; a push to a branch nothing binds queues nothing and is logged; a
 * notifier that is down or never answers neither fails nor holds up an auto-update, nor stop().
 */
const REGISTRY_TOKEN = "burst-registry-token";
const GITHUB_SECRET = "burst-github-secret";
const BURST = 50;
const SPACING_MS = 20; // 50 deliveries in about one second

let engine: Engine;
let world: DeployWorld;
let registry: TestRegistry;
let images: Record<string, string>;
let root: string;
const started: Controller[] = [];
const services: { service: string; environment: string }[] = [];

before(async () => {
  engine = await ensureEngine();
  ensureListenerMigration();
  root = mkdtempSync(join(tmpdir(), "slipway-bursts-"));
  images = await buildWebImages(engine, ["v1", "v2", "v3"]);
  world = await startDeployWorld(engine, await freePort());
  process.env.SLIPWAY_PROXY_ADMIN = world.handle.adminUrl;
  registry = await startRegistry();
});

after(async () => {
  for (const controller of started) await controller.stop();
  if (engine !== undefined) {
    for (const { service, environment } of services) {
      for (const c of await engine.listContainers({ labels: serviceSelector(service, environment), all: true }))
        await engine.removeContainer(c.id, { force: true });
    }
  }
  await world?.stop();
  if (engine !== undefined) await cleanupTestRun(engine);
  await registry?.stop();
  delete process.env.SLIPWAY_PROXY_ADMIN;
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

async function start(name: string, yaml: readonly string[]): Promise<StartedController> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const result = await startFromConfig({ dir, yaml, stateDir: world.stateDir, store: world.store, engine });
  started.push(result.controller);
  return result;
}

/** A watched external tag `ref` of a blue-green, auto-updated web service, deployed at v1 by hand. */
async function watchedService(
  name: string,
  extra: readonly string[] | ((ref: string) => readonly string[]) = [],
  watchInterval?: string,
): Promise<{ service: string; ref: string; url: string; started: StartedController }> {
  const service = testName(name);
  services.push({ service, environment: "default" });
  const ref = `${registry.host}/${testName(name)}:qa`;
  await engine.tagImage(required(images.v1), ref);
  await engine.push(ref);
  const published = await freePort();
  const yaml = [
    ...watchedServiceYaml({
      service,
      ref,
      published,
      token: REGISTRY_TOKEN,
      command: webCommand(8080),
      ...(watchInterval === undefined ? {} : { watchInterval }),
    }),
    ...(typeof extra === "function" ? extra(ref) : extra),
  ];
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const url = `http://127.0.0.1:${published}/`;
  // Deployed before the controller starts: its first look at the tag must find v1 running, or
  // it would deploy v1 by digest itself (seen in CI as an auto-update of the old digest).
  writeFileSync(join(dir, "slipway.yml"), [...yaml, ""].join("\n"));
  const loaded = await loadConfig({ cwd: dir, env: {} });
  const first = await deployService(world.ports, {
    spec: specFromConfig({ config: loaded.config, configDir: dir, service, environment: "default", image: ref }),
    trigger: "test",
  });
  assert.equal(first.status, "succeeded");
  await waitForBody(url, "v1", 30_000);
  const controller = await start(name, yaml);
  return { service, ref, url, started: controller };
}

/** Pushes `version` to the registry under `ref`; this host keeps v1 under the tag (only the registry knows). */
async function pushVersion(ref: string, version: string): Promise<string> {
  await engine.tagImage(required(images[version]), ref);
  const pushed = await engine.push(ref);
  await engine.tagImage(required(images.v1), ref);
  return pushed.digest;
}

/** Sends BURST deliveries about SPACING_MS apart; `during(i)` runs (awaited) before delivery i. */
async function burst(send: (i: number) => Promise<Answer>, during: (i: number) => Promise<void>): Promise<{ answers: Answer[]; ms: number }> {
  const t0 = performance.now();
  const pending: Promise<Answer>[] = [];
  for (let i = 0; i < BURST; i += 1) {
    await during(i);
    pending.push(send(i));
    await sleep(SPACING_MS);
  }
  const answers = await Promise.all(pending);
  return { answers, ms: performance.now() - t0 };
}

function assertAllAccepted(answers: readonly Answer[]): void {
  const refused = answers.filter((a) => a.status !== 202);
  assert.deepEqual(refused.map((a) => `${a.status} ${a.body}`).slice(0, 3), [], `${refused.length} of ${answers.length} deliveries not answered 202`);
  const slowest = Math.max(...answers.map((a) => a.ms));
  assert.ok(slowest < 5_000, `a delivery took ${Math.round(slowest)} ms to be acknowledged (the 202 must not wait for the work)`);
  assert.ok(
    answers.every((a) => (JSON.parse(a.body) as { duplicate?: boolean }).duplicate === undefined),
    "distinct delivery ids are not duplicates",
  );
}

test("fifty registry notifications for one watched tag within a second: coalesced, one deployment at a time, ending on the newest digest, no failed request", async () => {
  const { service, ref, url, started: s } = await watchedService("burst-watched");
  const host = ref.slice(0, ref.indexOf("/"));
  const repository = ref.slice(ref.indexOf("/") + 1, ref.lastIndexOf(":"));
  await pushVersion(ref, "v2");
  let v3 = "";

  const { result, samples, doneAt } = await underLoad(url, async () => {
    const sent = await burst(
      (i) => sendRegistryPush(s.controller.url, REGISTRY_TOKEN, { host, repository, tag: "qa", id: `burst-${ref}-${i}` }),
      async (i) => {
        if (i === BURST / 2) v3 = await pushVersion(ref, "v3"); // the tag moves on mid-burst
      },
    );
    await within(s.controller.queue.idle(), 120_000, "the controller's queue to go idle after the burst");
    return sent;
  });

  assertAllAccepted(result.answers);
  const updates = (await world.store.listDeployments({ service })).filter((d) => d.trigger === "auto-update");
  const shown = updates.map((d) => `#${d.id} ${d.status} ${d.startedAt.toISOString()}..${d.finishedAt?.toISOString() ?? ""}`).join("; ");
  assert.ok(updates.length >= 1 && updates.length <= 3, `50 notifications, 2 digests: 1 to 3 deployments, got ${updates.length}: ${shown}`);
  assert.deepEqual(overlaps(updates), [], `deployments of ${service} overlapped: ${shown}`);
  assert.ok(
    updates.every((d) => d.status === "succeeded"),
    shown,
  );
  const [revision] = await world.store.listRevisions(service, "default", { limit: 1 });
  assert.equal(revision?.image, `${ref}@${v3}`, "the service ends on the digest pushed last");
  assert.equal((await get(url)).body, "v3");
  assertNoFailedRequests(samples);
  assertOnlyAnswers(samples, doneAt, "v3");
  const accepted = s.log.lines.filter((line) => /^webhook from .*: push, 1 hint/.test(line.msg)).length;
  assert.equal(accepted, BURST, "every delivery is logged as accepted");
  console.log(
    `burst sent in ${Math.round(result.ms)} ms; slowest 202 in ${Math.round(Math.max(...result.answers.map((a) => a.ms)))} ms; ${updates.length} deployment(s)`,
  );
  await s.controller.stop();
});

test("a notification that arrives before the registry moves the tag is not lost: the check waits for the announced digest", async () => {
  const { service, ref, url, started: s } = await watchedService("early-notice");
  // v2's manifest in the registry under another tag: its digest is what a push of v2 to qa gets.
  const staging = ref.replace(/:qa$/, ":staging");
  const digest = await pushVersion(staging, "v2");
  const { host, repository } = { host: registry.host, repository: ref.slice(registry.host.length + 1, -":qa".length) };
  // The distribution registry notifies before it moves the tag; here the tag moves 400 ms later.
  const answer = await sendRegistryPush(s.controller.url, REGISTRY_TOKEN, { host, repository, tag: "qa", id: "early-1", digest });
  assert.equal(answer.status, 202);
  await sleep(400);
  assert.equal(await pushVersion(ref, "v2"), digest);
  const deployment = await waitUntil(
    async () => {
      const [latest] = await world.store.listDeployments({ service, limit: 1 });
      return latest?.trigger === "auto-update" && latest.status !== "running" ? latest : undefined;
    },
    30_000,
    "an auto-update deployment after the early notice (watch_interval is 1h: nothing else would start one)",
  );
  assert.equal(deployment.status, "succeeded");
  const [revision] = await world.store.listRevisions(service, "default", { limit: 1 });
  assert.equal(revision?.image, `${ref}@${digest}`);
  await waitForBody(url, "v2", 10_000);
});

test("two services that follow one tag are both updated when a poll sees it move", async () => {
  const other = testName("second-follower");
  services.push({ service: other, environment: "default" });
  const otherPort = await freePort();
  const otherUrl = `http://127.0.0.1:${otherPort}/`;
  const {
    service,
    ref,
    url,
    started: s,
  } = await watchedService(
    "two-followers",
    (followed) => [
      `  ${other}:`,
      `    image: ${followed}`,
      `    command: ${JSON.stringify(webCommand(8080)).replaceAll("$", "$$$$")}`,
      `    ports: ["127.0.0.1:${otherPort}:8080"]`,
      "    stop_grace_period: 2s",
      "    health: { http: /, interval: 200ms, deadline: 30s }",
      "    update: { strategy: blue-green, drain: 300ms, auto: true }",
    ],
    "1s",
  );
  // The second follower was never deployed: the first poll deploys it at v1.
  await waitForBody(otherUrl, "v1", 60_000);
  await within(s.controller.queue.idle(), 60_000, "the first checks");
  const before = new Map<string, number>();
  for (const follower of [service, other]) before.set(follower, (await world.store.listDeployments({ service: follower })).length);

  const digest = await pushVersion(ref, "v2");
  for (const follower of [service, other]) {
    const deployment = await waitUntil(
      async () => {
        const all = await world.store.listDeployments({ service: follower });
        const [latest] = all;
        return all.length > (before.get(follower) ?? 0) && latest?.trigger === "auto-update" && latest.status !== "running" ? latest : undefined;
      },
      60_000,
      `an auto-update of ${follower} after the poll saw the tag move`,
    );
    assert.equal(deployment.status, "succeeded");
    const [revision] = await world.store.listRevisions(follower, "default", { limit: 1 });
    assert.equal(revision?.image, `${ref}@${digest}`);
  }
  await waitForBody(url, "v2", 10_000);
  await waitForBody(otherUrl, "v2", 10_000);
});

describe("GitHub pushes for a one-image app bound to test1", () => {
  let app: GitApp;
  let s: StartedController;
  let url: string;
  const service = testName("site");

  before(async () => {
    app = await createGitApp(join(root, "git"));
    services.push({ service, environment: "test1" });
    const published = await freePort();
    url = `http://127.0.0.1:${published}/`;
    s = await start("git", [
      ...gitAppYaml({ registry: `${registry.host}/bursts`, remote: app.remote, service, published, labels: testLabels() }),
      "controller:",
      "  watch_interval: 1h",
      `  webhooks: { github: { secret: ${GITHUB_SECRET} } }`,
    ]);
    // test1 runs the first page before the burst (and the build cache is warm).
    const commit = await app.commit("test.1", "page 0");
    const answer = await sendGithubPush(s.controller.url, GITHUB_SECRET, { remote: app.remote, branch: "test.1", commit, delivery: `warm-${commit}` });
    assert.equal(answer.status, 202);
    await within(s.controller.queue.idle(), 300_000, "the first test1 pipeline");
    const [first] = await world.store.listPipelineRuns({ environment: "test1", limit: 1 });
    assert.equal(first?.status, "succeeded", first?.error);
    await waitForBody(url, "page 0", 30_000);
  });

  let burstRuns: PipelineRunRecord[] = [];
  let burstCommits: string[] = [];

  test("fifty pushes to test.1 within a second, three commits among them: never two runs at once, the last builds the newest commit and test1 serves it", async () => {
    const [previous] = await world.store.listPipelineRuns({ environment: "test1", limit: 1 });
    const commits: string[] = [];
    const sent = await burst(
      (i) =>
        sendGithubPush(s.controller.url, GITHUB_SECRET, {
          remote: app.remote,
          branch: "test.1",
          commit: commits.at(-1) ?? "",
          delivery: `burst-${i}-${commits.length}`,
        }),
      async (i) => {
        if (i % 17 === 0) commits.push(await app.commit("test.1", `burst ${commits.length + 1}`));
      },
    );
    assertAllAccepted(sent.answers);
    await within(s.controller.queue.idle(), 300_000, "the test1 pipeline after the burst");

    const runs = (await world.store.listPipelineRuns({ environment: "test1", limit: 500 })).filter((r) => r.id > (previous?.id ?? 0));
    burstRuns = runs;
    burstCommits = commits;
    const shown = describeRuns(runs);
    assert.ok(runs.length >= 1, "the burst started a run");
    assert.deepEqual(overlaps(runs), [], `test1 runs overlapped:\n  ${shown}`);
    const last = runs.reduce((a, b) => (b.id > a.id ? b : a));
    assert.equal(last.status, "succeeded", `${last.error ?? ""}\n  ${shown}`);
    assert.equal(last.commit, commits.at(-1), "the last run built the newest commit");
    for (const run of runs.filter((r) => r !== last)) {
      assert.ok(
        run.status === "succeeded" || (run.status === "cancelled" && /superseded/.test(run.error ?? "")),
        `run #${run.id}: ${run.status} ${run.error ?? ""}`,
      );
    }
    const deployments = await world.store.listDeployments({ service, environment: "test1" });
    assert.deepEqual(overlaps(deployments), [], "deployments of test1 overlapped");
    await waitForBody(url, `burst ${commits.length}`, 30_000);
    console.log(`git burst sent in ${Math.round(sent.ms)} ms; ${runs.length} run(s):\n  ${shown}`);
  });

  test("the fifty pushes coalesce into at most four runs", () => {
    // The queue keeps one running and one waiting item per key, and a newer push replaces the
    // waiting one. A run reads the branch head when it starts, so it only needs to make way
    // for a push of a different commit: at most one run per commit pushed during the burst
    // (3), plus the one that was under way when the burst began.
    assert.ok(burstCommits.length === 3, "the burst test ran");
    assert.ok(burstRuns.length <= 4, `50 deliveries, 3 commits: at most 4 runs, got ${burstRuns.length}:\n  ${describeRuns(burstRuns)}`);
  });

  test("a push to an unbound branch (feature/x) is acknowledged and queues nothing", async () => {
    await within(s.controller.queue.idle(), 120_000, "an idle queue");
    const runsBefore = (await world.store.listPipelineRuns({ limit: 500 })).length;
    const commit = await app.commit("feature/x", "a feature");
    const answer = await sendGithubPush(s.controller.url, GITHUB_SECRET, { remote: app.remote, branch: "feature/x", commit, delivery: `feature-${commit}` });
    assert.equal(answer.status, 202);
    assert.equal((JSON.parse(answer.body) as { hints: number }).hints, 1);
    // Work is queued before the 202 is sent: an empty queue now means nothing was queued. A
    // reconcile of the engine's late event for the last deployment's old container may be there:
    // it is not the push's.
    const snapshot = s.controller.queue.snapshot();
    const notReconcile = (items: readonly { key: string }[]) => items.filter((item) => !item.key.startsWith("reconcile:"));
    assert.deepEqual({ running: notReconcile(snapshot.running), waiting: notReconcile(snapshot.waiting) }, { running: [], waiting: [] });
    assert.equal((await world.store.listPipelineRuns({ limit: 500 })).length, runsBefore, "no pipeline run recorded");
    const queued = s.log.lines.filter((line) => line.msg === "pipeline queued" && line.branch === "feature/x");
    assert.deepEqual(queued, []);
  });

  test("a push to an unbound branch is logged as ignored, with the reason", async () => {
    const line = await s.log.waitFor(
      (l) => /ignored/i.test(l.msg) && JSON.stringify(l).includes("feature/x"),
      5_000,
      "a log line saying the feature/x push was ignored",
    );
    assert.match(`${line.msg} ${JSON.stringify(line)}`, /no environment|not bound|binds/i, "the line says why");
  });
});

test("a notifier that is down or never answers neither fails nor holds up an auto-update, and stop() still returns", async () => {
  const closedPort = await freePort(); // nothing listens here: connection refused
  const hanging = await startHangingReceiver();
  try {
    const {
      service,
      ref,
      url,
      started: s,
    } = await watchedService("notify-down", [
      "notify:",
      `  - webhook: http://127.0.0.1:${closedPort}/hooks/slipway`,
      `  - webhook: http://127.0.0.1:${hanging.port}/hooks/slipway`,
    ]);
    const host = ref.slice(0, ref.indexOf("/"));
    const repository = ref.slice(ref.indexOf("/") + 1, ref.lastIndexOf(":"));
    const digest = await pushVersion(ref, "v2");
    const t0 = performance.now();
    const answer = await sendRegistryPush(s.controller.url, REGISTRY_TOKEN, { host, repository, tag: "qa", id: `notify-${ref}` });
    assert.equal(answer.status, 202);

    const deployment = await waitUntil(
      async () => {
        const [latest] = await world.store.listDeployments({ service, limit: 1 });
        return latest?.trigger === "auto-update" && latest.status !== "running" ? latest : undefined;
      },
      60_000,
      "the auto-update deployment to finish",
    );
    assert.equal(deployment.status, "succeeded", deployment.error);
    await within(s.controller.queue.idle(), 30_000, "the controller's queue to go idle");
    const idleAfterMs = performance.now() - t0;
    assert.equal(hanging.closed(), 0, "the work finished while the notification to the silent receiver was still open");
    assert.ok(idleAfterMs < 30_000, `the update took ${Math.round(idleAfterMs)} ms from the notification to an idle queue`);
    const [revision] = await world.store.listRevisions(service, "default", { limit: 1 });
    assert.equal(revision?.image, `${ref}@${digest}`);
    await waitForBody(url, "v2", 10_000);

    // The notifier did try both, and the log says what went wrong with the one that is down.
    await waitUntil(() => hanging.received() > 0, 30_000, "the deploy notification to reach the silent receiver");
    await s.log.waitFor((l) => /^notification to .* failed \(connection refused\)/.test(l.msg), 30_000, "a logged notification failure (connection refused)");

    const stopStarted = performance.now();
    await within(s.controller.stop(), 30_000, "controller.stop() with a notification still in flight");
    const stopMs = performance.now() - stopStarted;
    assert.ok(
      s.log.lines.some((l) => l.msg === "stopped"),
      "the controller logged that it stopped",
    );
    await waitUntil(() => hanging.closed() === hanging.received(), 10_000, "the silent receiver's connection to be closed by the stopping controller");
    console.log(`update to idle in ${Math.round(idleAfterMs)} ms; stop() in ${Math.round(stopMs)} ms`);
  } finally {
    await hanging.stop();
  }
});

/** An HTTP receiver that reads each request and never answers; counts requests and closed connections. */
async function startHangingReceiver(): Promise<{ port: number; received(): number; closed(): number; stop(): Promise<void> }> {
  const requests: IncomingMessage[] = [];
  let closed = 0;
  const server: Server = createServer((request) => {
    requests.push(request);
    request.resume();
    request.socket.once("close", () => (closed += 1));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port,
    received: () => requests.length,
    closed: () => closed,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describeRuns(runs: readonly PipelineRunRecord[]): string {
  return runs
    .map((r) => `#${r.id} ${r.status} ${r.commit.slice(0, 7)} ${r.startedAt.toISOString()}..${r.finishedAt?.toISOString() ?? ""} ${r.error ?? ""}`)
    .join("\n  ");
}

function required(ref: string | undefined): string {
  assert.ok(ref !== undefined, "image not built");
  return ref;
}
