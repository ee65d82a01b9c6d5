import { test } from "node:test";
import assert from "node:assert/strict";
import { fingerprint, fingerprintTag, type FingerprintInputs } from "../../../src/graph/fingerprint.js";

const base: FingerprintInputs = {
  definition: { source: "my-docker", path: "app1-prod", dockerfile: "Dockerfile", commit: "a".repeat(40) },
  sealed: { app1: { source: "app1", commit: "b".repeat(40) } },
  parentDigest: `sha256:${"c".repeat(64)}`,
  buildArgs: { PY: "3.11", MODE: "prod" },
  labels: {},
};

test("the fingerprint does not depend on the order keys were written in", () => {
  const reordered: FingerprintInputs = { ...base, buildArgs: { MODE: "prod", PY: "3.11" } };
  assert.equal(fingerprint(reordered), fingerprint(base));
  assert.match(fingerprint(base), /^[0-9a-f]{64}$/);
});

test("every input changes the fingerprint", () => {
  const variants: FingerprintInputs[] = [
    { ...base, definition: { ...base.definition, commit: "d".repeat(40) } },
    { ...base, definition: { ...base.definition, dockerfile: "Dockerfile.test1" } },
    { ...base, sealed: { app1: { source: "app1", commit: "e".repeat(40) } } },
    { ...base, parentDigest: `sha256:${"f".repeat(64)}` },
    { ...base, parentDigest: undefined },
    { ...base, buildArgs: { PY: "3.12", MODE: "prod" } },
    { ...base, labels: { team: "data" } },
  ];
  const prints = new Set([fingerprint(base), ...variants.map(fingerprint)]);
  assert.equal(prints.size, variants.length + 1);
});

test("the fingerprint tag is a valid registry tag", () => {
  assert.match(fingerprintTag(fingerprint(base)), /^fp-[0-9a-f]{40}$/);
});
