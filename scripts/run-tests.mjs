#!/usr/bin/env node
// Runs the compiled tests with Node's own test runner.
// usage: node scripts/run-tests.mjs unit|integration|all [name-filter]
// Unit tests are pure and fast; integration tests drive the real Docker engine, registry
// and git, and need the engine running (scripts/test.sh starts it).
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";

const [suite = "all", filter = ""] = process.argv.slice(2);
const root = new URL("..", import.meta.url).pathname;
const suites = suite === "all" ? ["unit", "integration"] : [suite];

function testFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith(".test.js") ? [path] : [];
  });
}

const files = suites
  .flatMap((name) => testFiles(join(root, "dist", "test", name)))
  .filter((file) => file.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no test files found for "${suite}" (did the build run? npm run build)`);
  process.exit(1);
}
console.log(`running ${files.length} test files: ${files.map((f) => relative(join(root, "dist"), f)).join(", ")}`);
const result = spawnSync(process.execPath, ["--enable-source-maps", "--test", "--test-concurrency=3", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  cwd: root,
});
process.exit(result.status ?? 1);
