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
 * Release notes, as a team with a branch per environment sees them: main feeds test1; the first
 * pipeline deploys the service (no notes: nothing ran before); two commits to the image's
 * context and one to the docs land; the next pipeline's deploy notice lists the two commits'
 * subjects, newest first (the docs commit did not touch the image), and so does
 * `slipway history`. Real git, a real registry, the real Docker engine.
 */
let dir: string;
let repo: GitFixture;
let registry: TestRegistry;
let receiver: Receiver;
const service = testName("notes");

interface DeployNotice {
  event: string;
  subject: string;
  outcome: string;
  detail: { run: number; revision: number; changes?: string[]; moreChanges?: number; changesNote?: string };
}

before(async () => {
  const engine = await ensureEngine();
  const base = await ensureBaseImage(engine);
  registry = await startRegistry();
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), "slipway-release-notes-"));
  repo = createRepo(join(dir, "repo"));
  repo.commit("First version", "2026-01-02T03:04:05Z", {
    "app/Dockerfile": `FROM ${base}\nRUN echo v1 > /version\n`,
    "docs/readme.md": "# The app\n",
  });
  writeFileSync(
    join(dir, "slipway.yml"),
    [
      `registry: ${registry.host}/release-notes${testRunId}`,
      "sources:",
      "  app: { repo: ./repo, branch: main }",
      "environments:",
      "  test1: { branches: [main] }",
      "images:",
      "  app:",
      '    context: "app:app"',
      `    labels: { ${TEST_LABEL}: "1", ${RUN_LABEL}: "${testRunId}" }`,
      "services:",
      `  ${service}:`,
      "    image: app",
      `    command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]`,
      "    environments: [test1]",
      "    stop_grace_period: 1s",
      "    health: { running: true, settle: 0s }",
      "notify:",
      `  - webhook: ${receiver.url}/hook`,
      "    events: [deploy]",
      "",
    ].join("\n"),
  );
});

after(async () => {
  if (dir) await slipway(["down", service, "--env", "test1"]).catch(() => undefined);
  await receiver?.close();
  await registry?.stop();
  await cleanupTestRun(await ensureEngine());
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function slipway(args: readonly string[]): Promise<CliRun> {
  return runSlipway(["--state-dir", join(dir, "state"), ...args], { cwd: dir, timeoutMs: 240_000 });
}

function notices(): DeployNotice[] {
  return receiver.received.map((r) => JSON.parse(r.body) as DeployNotice);
}

test("a pipeline deploy between two images Slipway built notifies the commit subjects between them, and history shows them", async () => {
  const first = await slipway(["pipeline", "run", "app"]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(notices().length, 1, "the first deploy was notified before the CLI exited");
  const [initial] = notices();
  assert.deepEqual([initial?.event, initial?.subject, initial?.outcome, initial?.detail.revision], ["deploy", service, "succeeded", 1]);
  assert.equal(initial?.detail.changes, undefined, "a first deploy has no release notes: nothing ran before it");

  repo.commit("Say v2", "2026-01-03T03:04:05Z", { "app/Dockerfile": `FROM ${await ensureBaseImage(await ensureEngine())}\nRUN echo v2 > /version\n` });
  repo.commit("Say v3, and why", "2026-01-04T03:04:05Z", {
    "app/Dockerfile": `FROM ${await ensureBaseImage(await ensureEngine())}\nRUN echo v3 > /version\n`,
  });
  repo.commit("Tidy the docs", "2026-01-05T03:04:05Z", { "docs/readme.md": "# The app\n\nIt says its version.\n" });

  const second = await slipway(["pipeline", "run", "app"]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(notices().length, 2, second.stderr);
  const notice = notices()[1];
  assert.deepEqual([notice?.event, notice?.subject, notice?.outcome, notice?.detail.revision], ["deploy", service, "succeeded", 2]);
  assert.deepEqual(notice?.detail.changes, ["Say v3, and why", "Say v2"], JSON.stringify(notice?.detail));
  assert.equal(notice?.detail.moreChanges, undefined);
  assert.equal(notice?.detail.changesNote, undefined);

  const history = await slipway(["history", service, "--env", "test1"]);
  assert.equal(history.code, 0, history.stderr);
  assert.match(history.stdout, /revision 1 -> 2 .*\n {4}steps: pull > [^\n]*\n {4}changes:\n {6}Say v3, and why\n {6}Say v2\n/, history.stdout);
  assert.doesNotMatch(history.stdout, /steps: [^\n]*changes/, "the notes are not a rollout step");
  const json = await slipway(["history", service, "--env", "test1", "--json"]);
  const [latest, earliest] = JSON.parse(json.stdout) as { toRevision: number; changes?: { changes: string[]; more: number; notes: string[] } }[];
  assert.deepEqual([latest?.toRevision, latest?.changes], [2, { changes: ["Say v3, and why", "Say v2"], more: 0, notes: [] }]);
  assert.deepEqual([earliest?.toRevision, earliest?.changes], [1, undefined]);
});
