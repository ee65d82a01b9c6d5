import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine, ProgressEvent } from "../../../src/engine/index.js";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";
import { Secret } from "../../../src/util/secret.js";
import { ensureBaseImage } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels, testName } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";

const USER = "slipway-ci";
const PASSWORD = `pw-${randomBytes(8).toString("hex")}`;

let engine: Engine;
let plain: TestRegistry;
let secured: TestRegistry;
let image: { id: string; name: string };

before(async () => {
  engine = await ensureEngine();
  const base = await ensureBaseImage(engine);
  [plain, secured] = await Promise.all([startRegistry(), startRegistry({ auth: { username: USER, password: PASSWORD } })]);
  image = await buildUniqueImage(base);
});
after(async () => {
  await cleanupTestRun(engine);
  await Promise.all([plain?.stop(), secured?.stop()]);
});

/** An image with a layer of its own (so a pull really downloads something), labelled for cleanup. */
async function buildUniqueImage(base: string): Promise<{ id: string; name: string }> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-push-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), `FROM ${base}\nCOPY unique.txt /unique.txt\n`);
    writeFileSync(join(dir, "unique.txt"), randomBytes(4096).toString("hex"));
    const name = testName("push");
    const result = await engine.build({ contextDir: dir, tags: [`${name}:local`], labels: testLabels() });
    return { id: result.imageId, name };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error = await promise.then(
    () => assert.fail("should fail"),
    (e: unknown) => e,
  );
  assert.ok(isSlipwayError(error), String(error));
  return error;
}

test("an image pushed to a registry, removed locally and pulled back is the same image with the same digest", async () => {
  const ref = `${plain.host}/${image.name}:v1`;
  await engine.tagImage(image.id, ref);
  const events: ProgressEvent[] = [];
  const pushed = await engine.push(ref, { onProgress: (e) => events.push(e) });
  assert.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
  assert.ok(
    events.some((e) => e.kind === "layer" && e.status === "Pushed"),
    "per-layer progress is reported",
  );
  const bytes = events.flatMap((e) => (e.kind === "bytes" ? [e] : []));
  assert.ok(bytes.length > 0 && (bytes.at(-1)?.current ?? 0) >= 4096, "bytes moved are added up");
  assert.ok(events.some((e) => e.kind === "digest" && e.digest === pushed.digest));

  assert.equal((await engine.push(ref)).digest, pushed.digest, "pushing again gives the same digest");

  assert.equal(await engine.removeImage(image.id, { force: true }), true);
  assert.equal(await engine.inspectImage(ref), undefined);

  const pullEvents: ProgressEvent[] = [];
  const pulled = await engine.pull(ref, { onProgress: (e) => pullEvents.push(e) });
  assert.equal(pulled.imageId, image.id);
  assert.equal(pulled.digest, pushed.digest);
  assert.ok(
    pullEvents.some((e) => e.kind === "layer" && e.status === "Pull complete"),
    "the unique layer was downloaded",
  );
  const local = await engine.inspectImage(ref);
  assert.deepEqual(local?.repoDigests, [`${plain.host}/${image.name}@${pushed.digest}`]);

  const byDigest = await engine.pull(`${plain.host}/${image.name}@${pushed.digest}`);
  assert.equal(byDigest.imageId, image.id);
  await engine.tagImage(image.id, `${image.name}:local`); // keep a local name so later tests can tag it
});

test("an htpasswd registry accepts the right credentials and refuses wrong or missing ones, never showing the password", async () => {
  const ref = `${secured.host}/${image.name}:v1`;
  await engine.tagImage(`${image.name}:local`, ref);
  const wrong = new Secret(`wrong-${PASSWORD}`);
  const events: ProgressEvent[] = [];

  const refused = await failure(engine.push(ref, { credentials: { username: USER, password: wrong }, onProgress: (e) => events.push(e) }));
  assert.equal(refused.code, "REGISTRY_AUTH");
  assert.match(refused.message, new RegExp(`^${secured.host} refused to let Slipway push ${ref}: `));
  const shown = JSON.stringify([refused.message, refused.details, refused.hint, events]);
  assert.ok(!shown.includes(PASSWORD), "the password appears nowhere in the error or the progress events");

  assert.equal((await failure(engine.push(ref))).code, "REGISTRY_AUTH", "no credentials at all");

  const right = { username: USER, password: new Secret(PASSWORD) };
  const pushed = await engine.push(ref, { credentials: right });
  assert.match(pushed.digest, /^sha256:/);

  await engine.removeImage(ref);
  const pullRefused = await failure(engine.pull(ref, { credentials: { username: USER, password: wrong } }));
  assert.equal(pullRefused.code, "REGISTRY_AUTH");
  assert.ok(!pullRefused.message.includes(PASSWORD));
  const pulled = await engine.pull(ref, { credentials: right });
  assert.equal(pulled.digest, pushed.digest);
});

test("pulling a tag the registry does not have is IMAGE_NOT_FOUND", async () => {
  const error = await failure(engine.pull(`${plain.host}/${image.name}:no-such-tag`));
  assert.equal(error.code, "IMAGE_NOT_FOUND");
  assert.match(error.message, new RegExp(`^${plain.host}/${image.name}:no-such-tag was not found in ${plain.host}: .*manifest unknown`));
});

test("a registry that does not answer is REGISTRY_UNREACHABLE, for push and pull", async () => {
  const ref = `127.0.0.1:1/${image.name}:v1`;
  await engine.tagImage(`${image.name}:local`, ref);
  const pushError = await failure(engine.push(ref));
  assert.equal(pushError.code, "REGISTRY_UNREACHABLE");
  assert.match(pushError.message, /^the registry 127\.0\.0\.1:1 does not answer .*connection refused/);
  assert.equal((await failure(engine.pull(ref))).code, "REGISTRY_UNREACHABLE");
});

test("pushing an image that does not exist locally is IMAGE_NOT_FOUND; a digest cannot be pushed", async () => {
  const error = await failure(engine.push(`${plain.host}/${testName("absent")}:v1`));
  assert.equal(error.code, "IMAGE_NOT_FOUND");
  assert.match(error.message, /was not found locally/);
  assert.equal((await failure(engine.push(`${plain.host}/x@sha256:${"0".repeat(64)}`))).code, "REFERENCE_INVALID");
});
