import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { stringify } from "yaml";
import { parseConfigText } from "../../../src/config/parse-config-text.js";
import { SlipwayError } from "../../../src/errors/index.js";

const example = readFileSync(new URL("../../../../examples/data-team/slipway.yml", import.meta.url), "utf8");
const codes = new Set(["CONFIG_SYNTAX", "CONFIG_INVALID", "CONFIG_VARIABLE"]);

/** Parses, and fails the property unless the text is accepted or refused with a CONFIG_* SlipwayError. */
function parsesOrRefuses(text: string, env: Record<string, string> = {}): void {
  try {
    parseConfigText(text, { path: "slipway.yml", env, dir: "/srv/app" });
  } catch (error) {
    assert.ok(error instanceof SlipwayError, `threw a non-Slipway error: ${String(error)}\n--- input ---\n${text}`);
    assert.ok(codes.has(error.code), `threw ${error.code}`);
    if (error.code === "CONFIG_INVALID") for (const line of error.details) assert.match(line, /^slipway\.yml:\d+:\d+: /);
  }
}

const keys = [
  "registry",
  "sources",
  "images",
  "environments",
  "services",
  "jobs",
  "notify",
  "version",
  "state_dir",
  "store",
  "compose",
  "context",
  "from",
  "seal",
  "args",
  "tests",
  "tag",
  "repo",
  "branch",
  "paths",
  "poll",
  "image",
  "schedule",
  "command",
  "log",
  "slack",
  "webhook",
  "events",
  "base",
  "my-docker",
  "app1",
];
const scalar = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double(),
  fc.constantFrom("my-docker:base", "base", "${X}", "${X:-y}", "$${z}", "1h", "512m", "0 * * * *", "./local"),
);
const configish = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("value"), { maxLength: 4 }), tie("mapping")),
  mapping: fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), tie("value"), { maxKeys: 5 }),
})).mapping;

test("any text at all is accepted or refused with a CONFIG_* error, never a crash", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => parsesOrRefuses(text)),
    { numRuns: 400 },
  );
});

test("any JSON-like document is accepted or refused with positioned CONFIG_* problems", () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => parsesOrRefuses(stringify(value))),
    { numRuns: 300 },
  );
});

test("documents shaped like configs, with variables, are accepted or refused with CONFIG_* errors", () => {
  fc.assert(
    fc.property(configish, fc.dictionary(fc.constantFrom("X", "Y", "HOST"), fc.string({ maxLength: 6 })), (value, env) =>
      parsesOrRefuses(stringify(value), env),
    ),
    { numRuns: 400 },
  );
});

test("the example with random edits (deleted, inserted, duplicated, swapped text) is accepted or refused with CONFIG_* errors", () => {
  type Edit = { kind: "delete"; at: number; length: number } | { kind: "insert"; at: number; text: string } | { kind: "swap"; at: number; length: number };
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
    fc.record({
      kind: fc.constant("insert" as const),
      at: fc.nat(),
      text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(":", "- ", "{", "}", "[", "\n  ", "\t", "&a ", "*a", "${", "#", "'", '"')),
    }),
    fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), length: fc.nat() }),
  );
  const apply = (text: string, change: Edit): string => {
    const at = change.at % (text.length + 1);
    if (change.kind === "delete") return text.slice(0, at) + text.slice(at + change.length);
    if (change.kind === "insert") return text.slice(0, at) + change.text + text.slice(at);
    const lines = text.split("\n");
    const i = at % lines.length;
    const j = change.length % lines.length;
    [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
    return lines.join("\n");
  };
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => parsesOrRefuses(edits.reduce(apply, example))),
    { numRuns: 300 },
  );
});
