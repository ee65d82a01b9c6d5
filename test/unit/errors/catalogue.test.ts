import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { errorCatalogue, exitCodes, formatError, exitCodeOf, SlipwayError } from "../../../src/errors/index.js";
import { Secret } from "../../../src/util/secret.js";

const docs = readFileSync(new URL("../../../../docs/errors.md", import.meta.url), "utf8");

test("every error code is documented in docs/errors.md with who must act", () => {
  for (const [code, entry] of Object.entries(errorCatalogue)) {
    const row = docs.split("\n").find((line) => line.startsWith(`| \`${code}\``));
    assert.ok(row, `docs/errors.md has no row for ${code}`);
    assert.ok(row.includes(`| ${entry.who} |`), `docs/errors.md gives the wrong "who" for ${code}`);
  }
});

test("docs/errors.md documents no code that no longer exists", () => {
  const documented = [...docs.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]);
  for (const code of documented) assert.ok(code && code in errorCatalogue, `docs/errors.md documents unknown code ${code}`);
});

test("a user error prints one message, its details and a hint, without a stack trace, and exits 2", () => {
  const error = new SlipwayError("CONFIG_INVALID", "slipway.yml has 1 problem", { details: ["slipway.yml:3:5: bad"], hint: "fix it" });
  const text = formatError(error, { debug: false });
  assert.equal(text, "error[CONFIG_INVALID]: slipway.yml has 1 problem\n  slipway.yml:3:5: bad\nhint: fix it");
  assert.equal(exitCodeOf(error), exitCodes.user);
});

test("an upstream error says retrying may help and exits 3; an unknown error is a bug (70) with a stack only under --debug", () => {
  assert.match(formatError(new SlipwayError("REGISTRY_FAILED", "500 from registry"), { debug: false }), /retrying later may help/);
  assert.equal(exitCodeOf(new SlipwayError("REGISTRY_FAILED", "x")), 3);
  const bug = new TypeError("cannot read x of undefined");
  assert.doesNotMatch(formatError(bug, { debug: false }), /at .*\.js/);
  assert.match(formatError(bug, { debug: true }), /TypeError: cannot read x/);
  assert.equal(exitCodeOf(bug), 70);
});

test("a secret never appears in a formatted error, even when a message embeds its value", () => {
  const password = new Secret("s3cr3t-pass-word");
  const error = new SlipwayError("REGISTRY_AUTH", `login failed for ${password.reveal()} at ${String(password)}`);
  const text = formatError(error, { debug: true });
  assert.ok(!text.includes("s3cr3t-pass-word"));
  assert.equal(JSON.stringify({ password }), '{"password":"[redacted]"}');
});
