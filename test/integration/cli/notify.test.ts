import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { verifyWebhookSignature } from "../../../src/notify/index.js";
import { ensureBaseImage } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testRunId } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { startReceiver, type Receiver } from "../notify/receiver.js";

/** The CLI announces what it does too: a failed `slipway build` reaches the notify: webhook, signed, before the command exits. */
const bin = fileURLToPath(new URL("../../../../bin/slipway.js", import.meta.url));
const SECRET = "cli-notify-secret";

let dir: string;
let registry: TestRegistry;
let receiver: Receiver;

before(async () => {
  const engine = await ensureEngine();
  const base = await ensureBaseImage(engine);
  registry = await startRegistry();
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), "slipway-cli-notify-"));
  mkdirSync(join(dir, "app"));
  writeFileSync(join(dir, "app", "Dockerfile"), `FROM ${base}\nRUN echo "compiling the app" && exit 3\n`);
  writeFileSync(
    join(dir, "slipway.yml"),
    [
      `registry: ${registry.host}/cli${testRunId}`,
      "images:",
      `  app: { context: ./app, labels: { slipway-test-run: "${testRunId}" } }`,
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

test("a failed slipway build is notified, signed, before the command exits", async () => {
  const code = await new Promise<number>((resolve) => {
    execFile(process.execPath, [bin, "--state-dir", join(dir, "state"), "build", "app"], { cwd: dir }, (error) =>
      resolve(error === null ? 0 : Number((error as { code?: number }).code ?? 1)),
    );
  });
  assert.notEqual(code, 0);
  assert.equal(receiver.received.length, 1, "delivered before the CLI exited");
  const notice = receiver.received[0];
  assert.ok(notice);
  const body = JSON.parse(notice.body) as { event: string; subject: string; outcome: string; title: string };
  assert.deepEqual([body.event, body.subject, body.outcome], ["build", "app", "failed"]);
  const header = (name: string): string | undefined => {
    const value = notice.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  assert.ok(verifyWebhookSignature(SECRET, { signature: header("x-slipway-signature"), timestamp: header("x-slipway-timestamp") }, notice.body));
});
