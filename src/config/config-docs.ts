import type { JsonSchema } from "./json-schema.js";

/**
 * docs/config.md, rendered from the JSON Schema: one table per mapping, a row per key with
 * its type, default and description. scripts/gen-config-docs.mjs writes it; a unit test
 * fails when the file and the schema drift apart.
 */
export function renderConfigDocs(schema: JsonSchema): string {
  const sections: string[] = [];
  collectSections(schema, "slipway.yml", sections);
  return [
    "# slipway.yml reference",
    "",
    "<!-- Generated from the config schema by `node scripts/gen-config-docs.mjs`; do not edit by hand. -->",
    "",
    "Slipway reads one config file, `slipway.yml` (or `slipway.yaml`), from the app's repository.",
    "Every mapping is strict: an unknown key is an error that names the key meant. `slipway validate`",
    "checks a file and lists every problem with its line and column; `slipway schema` prints the JSON",
    "Schema, for editors.",
    "",
    "Values may use `${VAR}`, `${VAR:-default}` (unset or empty) and `${VAR-default}` (unset), read",
    "from the environment first, then from `.env` beside the config (or `--env-file`); `$${` is a",
    "literal `${`. Durations are written `500ms`, `30s`, `5m`, `1h30m`, `2d` (or a number of seconds);",
    "sizes `100k`, `512m`, `1GB` (binary units, or a number of bytes). Names of sources, images,",
    "environments, services and jobs are lowercase letters, digits, `.`, `_` and `-`, at most 63",
    "characters: a DNS label's length (RFC 1035), since a service's name is how containers on its",
    "networks reach it, and names become parts of container names, labels and directories. An image",
    "(a service's `image:`, an image's `from:`) is checked as `slipway deploy --image` checks it (the",
    "distribution reference grammar: a tag of at most 128 characters, a digest of its algorithm's",
    "length), so `validate` accepts exactly what a deploy does.",
    "",
    "Services can also come from docker-compose files named under `compose:`: [compose.md](compose.md)",
    "says what Slipway reads of them, where Slipway's own keys go in them (`x-slipway:`, so that",
    "docker-compose still accepts the file) and how their named volumes are named.",
    "",
    ...sections,
  ].join("\n");
}

function collectSections(schema: JsonSchema, title: string, out: string[]): void {
  const properties = record(schema["properties"]);
  if (!properties) return;
  const required = new Set(strings(schema["required"]));
  const rows = Object.entries(properties).map(([key, value]) => row(key, asSchema(value), required.has(key)));
  const description = text(schema["description"]) === undefined ? undefined : cell(text(schema["description"]) ?? "");
  out.push(
    `## \`${title}\``,
    "",
    ...(description ? [description, ""] : []),
    "| key | type | default | description |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  );
  for (const [key, value] of Object.entries(properties)) {
    for (const [suffix, nested] of nestedObjects(asSchema(value))) collectSections(nested, `${title === "slipway.yml" ? "" : `${title}.`}${key}${suffix}`, out);
  }
}

/** The mappings inside a value: itself, its list items (`[]`), its named entries (`.<name>`), each alternative. */
function nestedObjects(schema: JsonSchema): [string, JsonSchema][] {
  if (record(schema["properties"])) return [["", schema]];
  const alternatives = list(schema["anyOf"]) ?? list(schema["oneOf"]);
  if (alternatives) {
    const found = alternatives.flatMap((option) => nestedObjects(asSchema(option)));
    return found.length < 2 ? found : found.map(([suffix, nested]) => [`${suffix} (with ${strings(nested["required"])[0] ?? "no required key"})`, nested]);
  }
  const items = record(schema["items"]);
  if (items) return nestedObjects(items).map(([suffix, nested]) => [`[]${suffix}`, nested]);
  const entries = record(schema["additionalProperties"]);
  if (entries) return nestedObjects(entries).map(([suffix, nested]) => [`.<name>${suffix}`, nested]);
  return [];
}

function row(key: string, schema: JsonSchema, required: boolean): string {
  const defaultValue = schema["default"] === undefined ? (required ? "required" : "") : `\`${JSON.stringify(schema["default"])}\``;
  return `| \`${key}\` | ${cell(typeOf(schema))} | ${cell(defaultValue)} | ${cell(text(schema["description"]) ?? "")} |`;
}

function typeOf(schema: JsonSchema): string {
  const alternatives = list(schema["anyOf"]) ?? list(schema["oneOf"]);
  if (alternatives) return [...new Set(alternatives.map((option) => typeOf(asSchema(option))))].join(" or ");
  if (schema["const"] !== undefined) return `\`${JSON.stringify(schema["const"])}\``;
  const values = list(schema["enum"]);
  if (values) return values.map((value) => `\`${String(value)}\``).join(", ");
  const types = list(schema["type"]);
  if (types) return types.map((type) => typeOf({ type })).join(" or ");
  switch (schema["type"]) {
    case "array":
      return `list of ${typeOf(record(schema["items"]) ?? {})}`;
    case "object":
      if (record(schema["properties"])) return "mapping";
      return record(schema["additionalProperties"]) ? `mapping of name to ${typeOf(record(schema["additionalProperties"]) ?? {})}` : "mapping";
    case "integer":
      return "whole number";
    case "string":
    case "number":
    case "boolean":
      return schema["type"];
    default:
      return "any";
  }
}

function cell(value: string): string {
  return value.replace(/\|/g, "\\|").replace(/\n/g, " ").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function asSchema(value: unknown): JsonSchema {
  return record(value) ?? {};
}

function record(value: unknown): JsonSchema | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

function list(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
