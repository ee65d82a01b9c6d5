#!/usr/bin/env node
// Writes docs/config.md from the config schema (run after `npm run build`).
// usage: node scripts/gen-config-docs.mjs [--check]
// --check exits 1 when docs/config.md is out of date instead of writing it.
import { readFileSync, writeFileSync } from "node:fs";

const root = new URL("..", import.meta.url);
const target = new URL("docs/config.md", root);
const { configJsonSchema, renderConfigDocs } = await import(new URL("dist/src/config/index.js", root).href);
const text = renderConfigDocs(configJsonSchema());

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // a missing file is out of date
  }
  if (current !== text) {
    console.error("docs/config.md is out of date: run `npm run build && node scripts/gen-config-docs.mjs`");
    process.exit(1);
  }
  console.log("docs/config.md is up to date");
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target.pathname}`);
}
