import { test } from "node:test";
import assert from "node:assert/strict";
import { LogDemuxer, demuxLogs } from "../../../src/engine/log-frames.js";

function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === "string" ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

test("a multiplexed log splits into stdout and stderr, keeping each stream's order", () => {
  const bytes = Buffer.concat([frame(1, "out-1\n"), frame(2, "err-1\n"), frame(1, "out-2\n")]);
  assert.deepEqual(demuxLogs(bytes), { stdout: "out-1\nout-2\n", stderr: "err-1\n" });
  assert.deepEqual(demuxLogs(Buffer.alloc(0)), { stdout: "", stderr: "" });
});

test("frames cut at any byte, even inside a header or a UTF-8 character, come out whole", () => {
  const text = "héllo wörld ✓\n";
  const bytes = Buffer.concat([frame(1, text), frame(2, "warn\n")]);
  for (let cut = 1; cut < bytes.length; cut += 1) {
    const demuxer = new LogDemuxer();
    const chunks = [...demuxer.push(bytes.subarray(0, cut)), ...demuxer.push(bytes.subarray(cut))];
    const out = { stdout: "", stderr: "" };
    for (const chunk of chunks) out[chunk.stream] += chunk.text;
    assert.deepEqual(out, { stdout: text, stderr: "warn\n" }, `cut at ${cut}`);
  }
});

test("a UTF-8 character split across two frames of one stream is decoded once whole", () => {
  const check = Buffer.from("✓");
  const demuxer = new LogDemuxer();
  const chunks = demuxer.push(Buffer.concat([frame(1, check.subarray(0, 1)), frame(1, check.subarray(1))]));
  assert.equal(chunks.map((c) => c.text).join(""), "✓");
});
