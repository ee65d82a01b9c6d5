import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ensureBaseImage } from "../../harness/base-image.js";
import { runSlipway, type CliRun } from "../../harness/cli.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testName, testRunId, RUN_LABEL, TEST_LABEL } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { createRepo, type GitFixture } from "../sources/git-fixture.js";
import { startReceiver, type Receiver } from "../notify/receiver.js";

/**
 * A pipeline whose environment needs an approval: the build is pushed and the pipeline
 * succeeds, its deploy is held with the exact image built and announced with how to approve;
 * `slipway approve` (no controller running) approves and runs it here.
 */
let dir: string;
let repo: GitFixture;
let registry: TestRegistry;
let receiver: Receiver;
const service = testName("gated");

before(async () => {
  const engine = await ensureEngine();
  const base = await ensureBaseImage(engine);
  registry = await startRegistry();
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), "slipway-pipeline-held-"));
  repo = createRepo(join(dir, "repo"));
  repo.commit("First version", "2026-01-02T03:04:05Z", { "app/Dockerfile": `FROM ${base}\nRUN echo v1 > /version\n` });
  writeFileSync(
    join(dir, "slipway.yml"),
    [
      `registry: ${registry.host}/pipeline-held${testRunId}`,
      "sources:",
      "  app: { repo: ./repo, branch: main }",
      "environments:",
      "  prod: { branches: [main], approvals: { required: 1, deadline: 2h } }",
      "images:",
      "  app:",
      '    context: "app:app"',
      `    labels: { ${TEST_LABEL}: "1", ${RUN_LABEL}: "${testRunId}" }`,
      "services:",
      `  ${service}:`,
      "    image: app",
      `    command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]`,
      "    environments: [prod]",
      "    stop_grace_period: 1s",
      "    health: { running: true, settle: 0s }",
      "notify:",
      `  - webhook: ${receiver.url}/hook`,
      "    events: [held, deploy]",
      "",
    ].join("\n"),
  );
});

after(async () => {
  if (dir) await slipway(["down", service, "--env", "prod"]).catch(() => undefined);
  await receiver?.close();
  await registry?.stop();
  await cleanupTestRun(await ensureEngine());
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function slipway(args: readonly string[]): Promise<CliRun> {
  return runSlipway(["--state-dir", join(dir, "state"), ...args], { cwd: dir, timeoutMs: 240_000 });
}

test("a pipeline's deploy to an environment that needs an approval is held with the image built, and runs once approved", async () => {
  const run = await slipway(["pipeline", "run", "app", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /deploy held: approvals 0\/1, 2h left/);
  const [held] = JSON.parse((await slipway(["queue", "--json"])).stdout) as {
    id: number;
    image: string;
    trigger: string;
    requestedBy: string;
    waiting: string;
  }[];
  assert.ok(held !== undefined, "the deploy is queued");
  assert.match(
    held.image,
    new RegExp(`^${registry.host}/pipeline-held${testRunId}/app:\\d{8}T\\d{6}Z@sha256:[0-9a-f]{64}$`),
    "the exact image built, by tag and digest",
  );
  assert.match(held.trigger, /^pipeline:\d+$/);
  assert.deepEqual([held.requestedBy, held.waiting], ["pipeline", "approvals 0/1, 2h left"]);
  const [notice] = receiver.received.map((r) => JSON.parse(r.body) as { event: string; title: string; detail: { approve?: string } });
  assert.deepEqual([notice?.event, notice?.detail.approve], ["held", `slipway approve ${held.id}`]);
  const status = await slipway(["status"]);
  assert.match(
    status.stdout,
    new RegExp(`${service} \\(prod\\): not deployed\n(.*\n)*    held #${held.id}: \\S+ \\(pipeline:\\d+ by pipeline\\) waits: approvals 0/1`),
  );

  const approved = await slipway(["approve", String(held.id)]);
  assert.equal(approved.code, 0, approved.stderr);
  assert.match(
    approved.stdout,
    new RegExp(
      `^approved #${held.id}: #${held.id} ${service} -> prod \\S+, pipeline:\\d+ by pipeline at \\S+: succeeded \\(approved by \\S+\\), deployment \\d+\n  its gate opened: deployed \\(deployment \\d+\\)\n$`,
    ),
  );
  const after = await slipway(["status", "--json"]);
  const row = (JSON.parse(after.stdout) as { service: string; revision?: number; image?: string }[]).find((r) => r.service === service);
  assert.deepEqual([row?.revision, row?.image], [1, held.image]);
});
