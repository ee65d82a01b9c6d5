import assert from "node:assert/strict";
import { test } from "node:test";
import { SlipwayError, formatError } from "../../../src/errors/index.js";
import { escapeControl } from "../../../src/errors/format-error.js";
import { Secret } from "../../../src/util/secret.js";

test("control characters in a message, its details and its hint print escaped: one line each, nothing a terminal acts on", () => {
  const name = "web\nerror[OK]: all good\r\u001b[2K\u0007";
  const error = new SlipwayError("SERVICE_NOT_FOUND", `there is no service "${name}" in slipway.yml`, {
    details: [`services.${name}: unknown`],
    hint: `services: api, ${name}`,
  });
  const text = formatError(error, { debug: false });
  assert.equal(
    text,
    [
      'error[SERVICE_NOT_FOUND]: there is no service "web\\nerror[OK]: all good\\r\\x1b[2K\\x07" in slipway.yml',
      "  services.web\\nerror[OK]: all good\\r\\x1b[2K\\x07: unknown",
      "hint: services: api, web\\nerror[OK]: all good\\r\\x1b[2K\\x07",
    ].join("\n"),
  );
  assert.equal(text.split("\n").length, 3);
  assert.ok(
    [...text].every((char) => char === "\n" || (char >= " " && char !== "\u007f")),
    "no control character but the line breaks",
  );
});

test("an unexpected error's message is escaped too; tabs and ordinary Unicode stay as they are", () => {
  assert.equal(formatError(new Error("bad\u0000byte"), { debug: false }).split("\n")[0], "error[INTERNAL]: bad\\x00byte");
  assert.equal(escapeControl("a\tb — ü ✓"), "a\tb — ü ✓");
  assert.equal(escapeControl("x\u0085y\u2028z\u202ew"), "x\\x85y\\u2028z\\u202ew");
});

test("a secret with a newline in it is still redacted: redaction comes before escaping", () => {
  const key = new Secret("-----BEGIN KEY-----\nabc123\n-----END KEY-----");
  const text = formatError(new SlipwayError("REGISTRY_AUTH", `refused ${key.reveal()}`), { debug: false });
  assert.equal(text.split("\n")[0], "error[REGISTRY_AUTH]: refused [redacted]");
});
