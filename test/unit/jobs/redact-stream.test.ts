import { test } from "node:test";
import assert from "node:assert/strict";
import { createStreamRedactor } from "../../../src/jobs/redact-stream.js";

function run(values: string[], chunks: string[]): string {
  const redactor = createStreamRedactor(values);
  return chunks.map((chunk) => redactor.push(chunk)).join("") + redactor.flush();
}

test("a secret within one chunk is redacted", () => {
  assert.equal(run(["hunter22"], ["token=hunter22\n"]), "token=[redacted]\n");
});

test("a secret split across chunks is redacted, whatever the split", () => {
  const text = "a hunter22 b hunter22\n";
  for (let cut = 0; cut <= text.length; cut += 1) {
    assert.equal(run(["hunter22"], [text.slice(0, cut), text.slice(cut)]), "a [redacted] b [redacted]\n", `cut at ${cut}`);
  }
  assert.equal(run(["hunter22"], [..."x hunter22 y"]), "x [redacted] y");
});

test("output that cannot start a secret is passed on at once; a possible start is held until it is decided", () => {
  const redactor = createStreamRedactor(["hunter22"]);
  assert.equal(redactor.push("plain line\n"), "plain line\n");
  assert.equal(redactor.push("ends with hun"), "ends with ");
  assert.equal(redactor.push("gry\n"), "hungry\n");
  assert.equal(redactor.push("and hunt"), "and ");
  assert.equal(redactor.flush(), "hunt");
});

test("short values are not treated as secrets; no secrets means no change", () => {
  assert.equal(run(["abc"], ["abc abc"]), "abc abc");
  assert.equal(run([], ["anything"]), "anything");
});
