import { test } from "node:test";
import assert from "node:assert/strict";
import { LayerBytes, StepOutput, parseProgressLine, type ProgressEvent } from "../../../src/engine/progress.js";

// Lines recorded from Docker Engine 20.10.24 (API 1.41) against a registry:2.8 on 127.0.0.1.
const push = [
  `{"status":"The push refers to repository [127.0.0.1:5931/uniq]"}`,
  `{"status":"Preparing","progressDetail":{},"id":"c6713d3fba29"}`,
  `{"status":"Preparing","progressDetail":{},"id":"8084261bccc1"}`,
  `{"status":"Mounted from rec","progressDetail":{},"id":"8084261bccc1"}`,
  `{"status":"Pushing","progressDetail":{"current":512,"total":10},"progress":"[=====>]     512B","id":"c6713d3fba29"}`,
  `{"status":"Pushing","progressDetail":{"current":2048,"total":10},"progress":"[=====>]  2.048kB","id":"c6713d3fba29"}`,
  `{"status":"Pushed","progressDetail":{},"id":"c6713d3fba29"}`,
  `{"status":"v1: digest: sha256:d61f100ed9fbba9dba45410549e4cd6df52a4901335dcfdeb6e1375039870510 size: 943"}`,
  `{"progressDetail":{},"aux":{"Tag":"v1","Digest":"sha256:d61f100ed9fbba9dba45410549e4cd6df52a4901335dcfdeb6e1375039870510","Size":943}}`,
];
const pull = [
  `{"status":"Pulling from uniq","id":"v1"}`,
  `{"status":"Already exists","progressDetail":{},"id":"7e413fef6694"}`,
  `{"status":"Pulling fs layer","progressDetail":{},"id":"4c31843d8de2"}`,
  `{"status":"Downloading","progressDetail":{"current":60,"total":118},"progress":"[==>  ]","id":"4c31843d8de2"}`,
  `{"status":"Downloading","progressDetail":{"current":118,"total":118},"progress":"[=====>]","id":"4c31843d8de2"}`,
  `{"status":"Download complete","progressDetail":{},"id":"4c31843d8de2"}`,
  `{"status":"Extracting","progressDetail":{"current":118,"total":118},"progress":"[=====>]","id":"4c31843d8de2"}`,
  `{"status":"Pull complete","progressDetail":{},"id":"4c31843d8de2"}`,
  `{"status":"Digest: sha256:d61f100ed9fbba9dba45410549e4cd6df52a4901335dcfdeb6e1375039870510"}`,
  `{"status":"Status: Downloaded newer image for 127.0.0.1:5931/uniq:v1"}`,
];
const build = [
  `{"stream":"Step 1/3 : FROM slipway-test/busybox:113c2f192e11"}`,
  `{"stream":"\\n"}`,
  `{"stream":" ---\\u003e 275ff721f2e3\\n"}`,
  `{"stream":"Step 2/3 : RUN echo about-to-fail \\u0026\\u0026 echo to-stderr \\u003e\\u00262 \\u0026\\u0026 false"}`,
  `{"stream":"\\n"}`,
  `{"stream":" ---\\u003e Running in 4b8c9632c368\\n"}`,
  `{"stream":"about-to-fail\\n"}`,
  `{"stream":"\\u001b[91mto-stderr\\n\\u001b[0m"}`,
  `{"errorDetail":{"code":1,"message":"The command '/bin/sh -c echo about-to-fail \\u0026\\u0026 echo to-stderr \\u003e\\u00262 \\u0026\\u0026 false' returned a non-zero code: 1"},"error":"The command '/bin/sh -c echo about-to-fail \\u0026\\u0026 echo to-stderr \\u003e\\u00262 \\u0026\\u0026 false' returned a non-zero code: 1"}`,
];
const digest = "sha256:d61f100ed9fbba9dba45410549e4cd6df52a4901335dcfdeb6e1375039870510";

const parse = (lines: string[]): (ProgressEvent | undefined)[] => lines.map((line) => parseProgressLine(JSON.parse(line)));

test("push lines become repository status, per-layer progress and the pushed digest", () => {
  assert.deepEqual(parse(push), [
    { kind: "status", status: "The push refers to repository [127.0.0.1:5931/uniq]" },
    { kind: "layer", layer: "c6713d3fba29", status: "Preparing" },
    { kind: "layer", layer: "8084261bccc1", status: "Preparing" },
    { kind: "layer", layer: "8084261bccc1", status: "Mounted from rec" },
    { kind: "layer", layer: "c6713d3fba29", status: "Pushing", current: 512, total: 10 },
    { kind: "layer", layer: "c6713d3fba29", status: "Pushing", current: 2048, total: 10 },
    { kind: "layer", layer: "c6713d3fba29", status: "Pushed" },
    { kind: "digest", tag: "v1", digest, size: 943 },
    { kind: "digest", tag: "v1", digest, size: 943 },
  ]);
});

test("pull lines become status, layer progress and the resolved digest; the tag in 'Pulling from' is not a layer", () => {
  const events = parse(pull);
  assert.deepEqual(events[0], { kind: "status", status: "Pulling from uniq" });
  assert.deepEqual(events[3], { kind: "layer", layer: "4c31843d8de2", status: "Downloading", current: 60, total: 118 });
  assert.deepEqual(events[8], { kind: "digest", digest });
  assert.deepEqual(events[9], { kind: "status", status: "Status: Downloaded newer image for 127.0.0.1:5931/uniq:v1" });
});

test("build lines become steps, output, the image ID and an error", () => {
  const events = parse(build);
  assert.deepEqual(events[0], { kind: "step", index: 1, count: 3, instruction: "FROM slipway-test/busybox:113c2f192e11" });
  assert.deepEqual(events[6], { kind: "output", text: "about-to-fail\n" });
  assert.deepEqual(parseProgressLine({ aux: { ID: "sha256:275ff721f2e3" } }), { kind: "image-id", imageId: "sha256:275ff721f2e3" });
  assert.deepEqual(events[8], {
    kind: "error",
    message: "The command '/bin/sh -c echo about-to-fail && echo to-stderr >&2 && false' returned a non-zero code: 1",
  });
  assert.deepEqual(parseProgressLine({ error: "plain error only" }), { kind: "error", message: "plain error only" });
  assert.equal(parseProgressLine({ id: "x" }), undefined);
  assert.equal(parseProgressLine(["not", "an", "object"]), undefined);
});

test("the failing step's line and its last output lines are kept, without colour codes", () => {
  const output = new StepOutput(20);
  for (const event of parse(build)) if (event) output.add(event);
  assert.deepEqual(output.lines(), [
    "Step 2/3 : RUN echo about-to-fail && echo to-stderr >&2 && false",
    " ---> Running in 4b8c9632c368",
    "about-to-fail",
    "to-stderr",
  ]);
});

test("only the last lines of a long step are kept, and a line without its newline yet still counts", () => {
  const output = new StepOutput(3);
  output.add({ kind: "step", index: 1, count: 1, instruction: "RUN make" });
  for (let i = 1; i <= 50; i += 1) output.add({ kind: "output", text: `line ${i}\n` });
  output.add({ kind: "output", text: "partial" });
  assert.deepEqual(output.lines(), ["Step 1/1 : RUN make", "line 49", "line 50", "partial"]);
});

test("bytes add up over layers: downloads and pushes count, extraction does not, finished layers count whole", () => {
  const bytes = new LayerBytes();
  const totals = parse(pull).flatMap((event) => {
    const t = event && bytes.update(event);
    return t ? [t] : [];
  });
  assert.deepEqual(totals, [
    { current: 0, total: 0 },
    { current: 60, total: 118 },
    { current: 118, total: 118 },
    { current: 118, total: 118 },
    { current: 118, total: 118 },
  ]);
  const pushed = new LayerBytes();
  for (const event of parse(push)) if (event) pushed.update(event);
  assert.deepEqual(pushed.totals(), { current: 2048, total: 2048 }, "a push may send more than the engine's estimate");
});
