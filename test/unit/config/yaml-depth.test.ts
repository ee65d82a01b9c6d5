import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDocument } from "yaml";
import { parseConfigText } from "../../../src/config/parse-config-text.js";
import { parseComposeText } from "../../../src/config/compose.js";
import { MAX_NESTING } from "../../../src/config/yaml-data.js";
import { nestingBeyond } from "../../../src/config/yaml-depth.js";
import { formatError, isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";

/** The nesting nestingBeyond measures: the smallest limit it lets through. */
function measured(text: string): number {
  for (let limit = 0; limit < 1000; limit += 1) if (nestingBeyond(text, limit) === undefined) return limit;
  return Infinity;
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

test("the nesting is counted as the document nests: block and flow, keys, lists under keys, compact lists", () => {
  for (const text of [
    "a: 1",
    "a:\n  b: 1",
    "a:\n- x\n- y\nb: 2",
    "- - - a",
    "- a: 1\n  b: 2\n- c",
    "x: [[1, [2]], {a: {b: c}}]",
    "a:\n  b:\n    - c: d\n      e:\n        - 1\n",
    "? a\n: b",
    "a: &x {b: 1}\nc: *x",
    "services:\n  web:\n    ports: [\"80:80\"]\n    environment:\n      A: 'x'\n",
  ]) {
    assert.equal(measured(text), depthOf(parseDocument(text).toJS()), JSON.stringify(text));
  }
});

test("brackets and indentation inside strings, block scalars and comments are not nesting", () => {
  assert.equal(measured("k: \"a: [[[[b\"\nz: '{{{{'\n"), 1);
  assert.equal(measured("k: |\n  - not\n  - a list\n    x: y\nz: 1\n"), 1);
  assert.equal(measured("# [[[[\na: 1 # {{{{\n"), 1);
});

test("100 000 nested brackets are found at once, at the first level too deep", () => {
  const started = Date.now();
  assert.equal(nestingBeyond(`x: ${"[".repeat(100_000)}${"]".repeat(100_000)}`, MAX_NESTING), 3 + MAX_NESTING - 1);
  assert.equal(nestingBeyond(`x: ${"{a: ".repeat(100_000)}`, MAX_NESTING), 3 + (MAX_NESTING - 1) * 4);
  assert.equal(nestingBeyond("- ".repeat(50_000), MAX_NESTING), MAX_NESTING * 2);
  assert.ok(Date.now() - started < 1000, "it stops at the limit");
});

function refusal(parse: () => unknown): SlipwayError {
  try {
    parse();
  } catch (error) {
    if (isSlipwayError(error)) return error;
    throw error;
  }
  assert.fail("expected a refusal");
}

test("slipway.yml and compose files nested too deep are a config error naming the file, the place and the limit", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["brackets", () => parseConfigText(`services: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`, { path: "app/slipway.yml" }), /^app\/slipway\.yml:1:74: /],
    ["JSON", () => parseConfigText(`{"x": ${"[".repeat(100_000)}`, { path: "slipway.json" }), /^slipway\.json:1:/],
    ["indentation", () => parseConfigText(`x:\n${Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i + 1)}a:\n`).join("")}`), /^slipway\.yml:65:66: /],
    ["compose", () => parseComposeText(`services:\n  web: ${"{a: ".repeat(10_000)}`, { path: "docker-compose.yml" }), /^docker-compose\.yml:2:/],
  ];
  for (const [what, parse, place] of cases) {
    const error = refusal(parse);
    assert.equal(error.code, "CONFIG_SYNTAX", what);
    assert.match(error.message, place, what);
    assert.match(error.message, new RegExp(`nested too deep: more than ${MAX_NESTING} levels`), what);
    assert.match(error.hint ?? "", new RegExp(`at most ${MAX_NESTING} levels`), what);
    assert.doesNotMatch(formatError(error, { debug: false }), /call stack/i, what);
    assert.ok(formatError(error, { debug: false }).length < 500, `${what}: the message does not echo the file`);
  }
});

test("nesting up to the limit is read as before", () => {
  const deep = `x-slipway: ${"[".repeat(MAX_NESTING - 1)}${"]".repeat(MAX_NESTING - 1)}\n`;
  const error = refusal(() => parseConfigText(deep));
  assert.equal(error.code, "CONFIG_INVALID", "parsed, then refused by the schema for its unknown key");
});
