import assert from "node:assert/strict";
import { test } from "node:test";
import { tagDigestAfterNotice, type DigestSource } from "../../../src/autoupdate/index.js";

const OLD = `sha256:${"1".repeat(64)}`;
const NEW = `sha256:${"2".repeat(64)}`;
const OTHER = `sha256:${"3".repeat(64)}`;

/** A registry whose tag answers the scripted digests in turn (the last one from then on). */
function scripted(answers: readonly string[]): { source: DigestSource; reads: () => number } {
  let reads = 0;
  return {
    source: { client: () => ({ manifestDigest: async () => answers[Math.min(reads++, answers.length - 1)] }) },
    reads: () => reads,
  };
}

test("after a notice, a tag that still names the running digest is read again until it names the announced one", async () => {
  const waits: number[] = [];
  const registry = scripted([OLD, OLD, NEW]);
  const followed = await tagDigestAfterNotice(
    registry.source,
    "localhost:5000/foo:qa",
    NEW,
    (d) => d === OLD,
    async (ms) => void waits.push(ms),
  );
  assert.equal(followed.digest, NEW);
  assert.deepEqual(waits, [100, 200]);
});

test("the registry has the last word: a tag that stays on the running digest is taken after about 3 s of pauses", async () => {
  const waits: number[] = [];
  const followed = await tagDigestAfterNotice(
    scripted([OLD]).source,
    "localhost:5000/foo:qa",
    NEW,
    (d) => d === OLD,
    async (ms) => void waits.push(ms),
  );
  assert.equal(followed.digest, OLD);
  assert.deepEqual(waits, [100, 200, 400, 800, 1600]);
});

test("no waiting without a notice, nor when the tag already names something that is not running", async () => {
  const noNotice = scripted([OLD]);
  assert.equal(
    (
      await tagDigestAfterNotice(
        noNotice.source,
        "localhost:5000/foo:qa",
        undefined,
        () => true,
        async () => assert.fail("no pause"),
      )
    ).digest,
    OLD,
  );
  assert.equal(noNotice.reads(), 1);
  const movedOn = scripted([OTHER]);
  assert.equal(
    (
      await tagDigestAfterNotice(
        movedOn.source,
        "localhost:5000/foo:qa",
        NEW,
        (d) => d === OLD,
        async () => assert.fail("no pause"),
      )
    ).digest,
    OTHER,
  );
});
