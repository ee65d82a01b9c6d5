import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine, ProgressEvent } from "../../../src/engine/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { ensureBaseImage } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels, testName } from "../../harness/labels.js";

let engine: Engine;
let base: string;

before(async () => {
  engine = await ensureEngine();
  base = await ensureBaseImage(engine);
});
after(async () => {
  await cleanupTestRun(engine);
});

function context(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-build-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test("a build streams its steps and output, applies labels and every tag, and respects .dockerignore", async (t) => {
  const tag = `${testName("build")}:1`;
  const second = `${testName("build")}:also`;
  const dir = context(t, {
    Dockerfile: `FROM ${base}\nARG GREETING\nCOPY . /ctx\nRUN echo "greeting=$GREETING" && echo "files: $(ls -a /ctx | tr '\\n' ' ')"\n`,
    ".dockerignore": "secret.txt\nignored/\n",
    "app.txt": "app",
    "secret.txt": "do not send",
    "ignored/big.bin": "x",
    ".git/HEAD": "ref: refs/heads/main",
  });
  const events: ProgressEvent[] = [];
  const result = await engine.build({
    contextDir: dir,
    tags: [tag, second],
    buildArgs: { GREETING: "hello" },
    labels: testLabels({ "slipway.image": "demo" }),
    noCache: true,
    onProgress: (event) => events.push(event),
  });

  const steps = events.filter((e) => e.kind === "step");
  // The engine's builder appends one LABEL step per label after the Dockerfile's own steps.
  assert.deepEqual(steps.map((s) => s.kind === "step" && s.instruction).slice(0, 5), [
    `FROM ${base}`,
    "ARG GREETING",
    "COPY . /ctx",
    `RUN echo "greeting=$GREETING" && echo "files: $(ls -a /ctx | tr '\\n' ' ')"`,
    "LABEL slipway.image=demo",
  ]);
  const output = events.flatMap((e) => (e.kind === "output" ? [e.text] : [])).join("");
  assert.match(output, /greeting=hello/);
  const listed = /files: \. \.\. (.*)/.exec(output)?.[1]?.trim().split(" ") ?? [];
  assert.deepEqual(listed.sort(), [".dockerignore", "Dockerfile", "app.txt"]);
  assert.ok(events.some((e) => e.kind === "image-id" && e.imageId === result.imageId));

  const image = await engine.inspectImage(tag);
  assert.equal(image?.id, result.imageId);
  assert.deepEqual([...(image?.tags ?? [])].sort(), [second, tag].sort());
  assert.equal(image?.labels["slipway.image"], "demo");
  assert.deepEqual(await engine.imageLabels(second), image?.labels);
});

test("a failing step gives BUILD_FAILED with the step's last output lines", async (t) => {
  const dir = context(t, {
    Dockerfile: `FROM ${base}\nRUN echo first-step-ok\nRUN echo about-to-fail && echo to-stderr >&2 && false\nRUN echo never\n`,
  });
  const events: ProgressEvent[] = [];
  t.after(() => removeIntermediateImages(events));
  const error = await engine
    .build({ contextDir: dir, tags: [`${testName("fail")}:1`], labels: testLabels(), noCache: true, onProgress: (e) => events.push(e) })
    .then(
      () => assert.fail("the build should fail"),
      (e: unknown) => e,
    );
  assert.ok(isSlipwayError(error, "BUILD_FAILED"), String(error));
  assert.match(error.message, /returned a non-zero code: 1/);
  assert.match(error.details[0] ?? "", /^Step 3\/\d+ : RUN echo about-to-fail && echo to-stderr >&2 && false$/);
  assert.ok(error.details.includes("about-to-fail"), error.details.join("\n"));
  assert.ok(error.details.includes("to-stderr"), error.details.join("\n"));
  assert.ok(!error.details.includes("first-step-ok"), "only the failing step's output is shown");
});

/**
 * A failed build leaves the images of its finished steps behind as build cache (unlabelled,
 * as labels are applied last). Remove the ones this build made: " ---> ID" after a RUN step.
 */
async function removeIntermediateImages(events: readonly ProgressEvent[]): Promise<void> {
  const baseId = (await engine.inspectImage(base))?.id ?? "";
  const text = events.flatMap((e) => (e.kind === "output" ? [e.text] : [])).join("");
  const ids = [...text.matchAll(/ ---> ([0-9a-f]{12})\b/g)].map((m) => m[1] ?? "").filter((id) => !baseId.includes(id));
  for (const id of ids.reverse()) {
    const image = await engine.inspectImage(id);
    if (image && image.tags.length === 0) await engine.removeImage(id);
  }
}

test("a missing Dockerfile is reported before anything is sent to the engine", async (t) => {
  const dir = context(t, { "app.txt": "x" });
  await assert.rejects(engine.build({ contextDir: dir, tags: ["slipway-test-never:1"] }), (error: unknown) => {
    assert.ok(isSlipwayError(error, "BUILD_FAILED"));
    assert.equal(error.message, `there is no Dockerfile at ${join(dir, "Dockerfile")}`);
    assert.match(error.hint ?? "", /create Dockerfile/);
    return true;
  });
  await assert.rejects(engine.build({ contextDir: join(dir, "nope"), tags: [] }), /is not a directory/);
  await assert.rejects(engine.build({ contextDir: dir, dockerfile: "../Dockerfile", tags: [] }), /outside the build context/);
  assert.equal(await engine.inspectImage("slipway-test-never:1"), undefined);
});

test("a Dockerfile syntax error is a BUILD_FAILED naming the problem", async (t) => {
  const dir = context(t, { Dockerfile: `FROM ${base}\nFROBNICATE now\n` });
  await assert.rejects(engine.build({ contextDir: dir, tags: [], labels: testLabels() }), (error: unknown) => {
    assert.ok(isSlipwayError(error, "BUILD_FAILED"), String(error));
    assert.match(error.message, /unknown instruction: FROBNICATE/i);
    return true;
  });
});
