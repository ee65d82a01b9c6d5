import assert from "node:assert/strict";
import { test } from "node:test";
import { constantTimeEqual, hmacSha256Hex } from "../../../src/webhooks/index.js";
import { Secret } from "../../../src/util/secret.js";

test("constantTimeEqual is true only for the same text, whatever the lengths", () => {
  assert.equal(constantTimeEqual("sha256=abc", "sha256=abc"), true);
  assert.equal(constantTimeEqual("sha256=abc", "sha256=abd"), false);
  assert.equal(constantTimeEqual("sha256=ab", "sha256=abc"), false);
  assert.equal(constantTimeEqual("", "x"), false);
  assert.equal(constantTimeEqual("x".repeat(10_000), "x"), false);
});

test("hmacSha256Hex matches RFC 4231 test case 2", () => {
  const body = Buffer.from("what do ya want for nothing?");
  assert.equal(hmacSha256Hex(new Secret("Jefe"), body), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
});
