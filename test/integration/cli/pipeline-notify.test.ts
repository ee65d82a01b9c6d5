import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { verifyWebhookSignature } from "../../../src/notify/index.js";
import { ensureBaseImage } from "../../harness/base-image.js";
import { runSlipway, type CliRun } from "../../harness/cli.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testRunId } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { createRepo } from "../sources/git-fixture.js";
import { startReceiver, type Receiver } from "../notify/receiver.js";

/**
 * `slipway pipeline run` notifies as the controller does: a run whose image test fails reaches
 * the notify: webhook before the command exits, and `slipway pipeline show` names the failing
 * test with the tail of its output.
 */
const SECRET = "cli-pipeline-notify-secret";

let dir: string;
let registry: TestRegistry;
let receiver: Receiver;

before(async () => {
  const engine = await ensureEngine();
  const base = await ensureBaseImage(engine);
  registry = await startRegistry();
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), "slipway-cli-pipeline-notify-"));
  createRepo(join(dir, "repo")).commit("the app", "2026-01-02T03:04:05Z", { "app/Dockerfile": `FROM ${base}\nRUN echo built > /built\n` });
  writeFileSync(
    join(dir, "slipway.yml"),
    [
      `registry: ${registry.host}/cli-pipeline${testRunId}`,
      "sources:",
      "  app: { repo: ./repo, branch: main }",
      "images:",
      "  app:",
      '    context: "app:app"',
      `    labels: { slipway-test-run: "${testRunId}" }`,
      "    tests:",
      "      - name: answers the question",
      `        command: [sh, -c, "echo warming up; echo 'the answer was 41, expected 42'; exit 3"]`,
      "notify:",
      `  - webhook: ${receiver.url}/hook`,
      `    secret: ${SECRET}`,
      "    events: [build]",
      "",
    ].join("\n"),
  );
});

after(async () => {
  await receiver?.close();
  await registry?.stop();
  await cleanupTestRun(await ensureEngine());
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function slipway(args: readonly string[]): Promise<CliRun> {
  return runSlipway(["--state-dir", join(dir, "state"), ...args], { cwd: dir, timeoutMs: 240_000 });
}

test("a CLI pipeline run whose test fails is notified before it exits, and pipeline show names the test and its output's tail", async () => {
  const run = await slipway(["pipeline", "run", "app"]);
  assert.notEqual(run.code, 0, run.stderr);
  assert.match(run.stderr, /error\[DEPLOY_FAILED\]: pipeline run 1 \(\S+\) failed/, run.stderr);

  assert.equal(receiver.received.length, 1, "delivered before the CLI exited");
  const notice = receiver.received[0];
  assert.ok(notice);
  const body = JSON.parse(notice.body) as { event: string; subject: string; outcome: string; detail: { run: number; error: string; output: string[] } };
  assert.deepEqual([body.event, body.subject, body.outcome, body.detail.run], ["build", "app", "failed", 1]);
  assert.match(body.detail.error, /^test "answers the question" of app failed with exit code 3$/);
  assert.ok(body.detail.output.includes("the answer was 41, expected 42"), JSON.stringify(body.detail));
  const header = (name: string): string | undefined => {
    const value = notice.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  assert.ok(verifyWebhookSignature(SECRET, { signature: header("x-slipway-signature"), timestamp: header("x-slipway-timestamp") }, notice.body));

  const show = await slipway(["pipeline", "show", "1"]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^ {4}build: failed .*a build or test failed$/m, show.stdout);
  assert.match(show.stdout, /^ {6}app: test "answers the question" of app failed with exit code 3$/m, show.stdout);
  assert.match(show.stdout, /^ {8}warming up\n {8}the answer was 41, expected 42$/m, show.stdout);
});
