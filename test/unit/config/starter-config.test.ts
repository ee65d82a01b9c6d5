import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { configJsonSchema, parseConfigText, renderConfigDocs, starterConfig } from "../../../src/config/index.js";

test("the starter config validates as it stands and defines an image built from a source", () => {
  const { config } = parseConfigText(starterConfig(), { env: {} });
  assert.equal(config.registry?.address, "localhost:5000/my-org");
  assert.deepEqual(config.images["app"]?.context, { kind: "source", source: "app", path: "" });
  assert.match(starterConfig(), /^# slipway\.yml/);
});

test("every commented-out section of the starter config validates once uncommented (services aside)", () => {
  const uncommented = starterConfig()
    .split("\n")
    .filter((line) => !/^# services:|^#\s+web:/.test(line))
    .map((line) => line.replace(/^# (?=[a-z ]{0,8}[a-z_]+:|\s+[-a-z])/, ""))
    .map((line) => line.replace(/^(\s+)# (?=(paths|poll|dockerfile|seal):)/, "$1"))
    .join("\n");
  const { config } = parseConfigText(uncommented, { env: { SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/x" } });
  assert.deepEqual(Object.keys(config.jobs), ["nightly"]);
  assert.deepEqual(Object.keys(config.environments), ["prod"]);
  assert.equal(config.notify.length, 1);
  assert.equal(config.sources["app"]?.poll, 60_000);
});

test("the JSON Schema is strict and describes every key", () => {
  const schema = configJsonSchema();
  assert.equal(schema["additionalProperties"], false);
  const undescribed: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (typeof node !== "object" || node === null) return;
    const properties = (node as { properties?: Record<string, unknown> }).properties;
    for (const [key, value] of Object.entries(properties ?? {})) {
      if (!path.startsWith("services") && typeof (value as { description?: unknown }).description !== "string") undescribed.push(`${path}${key}`);
      visit(value, `${path}${key}.`);
    }
    for (const child of ["items", "additionalProperties"]) visit((node as Record<string, unknown>)[child], path);
    for (const option of (node as { anyOf?: unknown[] }).anyOf ?? []) visit(option, path);
  };
  visit(schema, "");
  assert.deepEqual(undescribed, []);
});

test("docs/config.md is generated from the schema and up to date (run node scripts/gen-config-docs.mjs after a schema change)", () => {
  const docs = readFileSync(new URL("../../../../docs/config.md", import.meta.url), "utf8");
  const expected = renderConfigDocs(configJsonSchema()).split("\n");
  const lines = docs.split("\n");
  const first = expected.findIndex((line, index) => lines[index] !== line);
  const differs = first >= 0 ? first : lines.length !== expected.length ? expected.length : -1;
  assert.equal(
    differs,
    -1,
    `docs/config.md is out of date from line ${differs + 1} (expected: ${JSON.stringify(expected[differs])}); run npm run build && node scripts/gen-config-docs.mjs`,
  );
  assert.match(docs, /## `images\.<name>`/);
  assert.match(docs, /\| `tag` \| `timestamp`, `version-count-sha`, `sha` \|/);
});
