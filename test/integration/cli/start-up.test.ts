import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SLIPWAY_BIN } from "../../harness/cli.js";

/**
 * The CLI starts fast because commands are registered from light modules and load their heavy
 * code only when run (docs/benchmarks.md, start-up). A static import of a heavy module in a
 * command file would slow every command down again; this test names it.
 */
const HEAVY_PACKAGES = ["zod", "yaml", "dockerode", "better-sqlite3", "fastify", "croner", "dotenv"];

/** A module hook that prints the URL of every module loaded (ESM and the CommonJS packages it imports). */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(`
import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(
  "export async function load(url, context, next) { process.stderr.write('loaded ' + url + '\\\\n'); return next(url, context); }"
));
`)}`;

function loadedModules(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; loaded: string[] }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", RECORD_LOADS, SLIPWAY_BIN, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const loaded = stderr
        .split("\n")
        .filter((line) => line.startsWith("loaded "))
        .map((line) => line.slice("loaded ".length));
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, loaded });
    });
  });
}

function heavyIn(loaded: readonly string[], folders: readonly string[], names: readonly string[] = HEAVY_PACKAGES): string[] {
  const packages = loaded.filter((url) => names.some((name) => url.includes(`/node_modules/${name}/`)));
  const own = loaded.filter((url) => folders.some((folder) => url.includes(`/dist/src/${folder}/`)));
  return [...packages, ...own];
}

test("slipway --version loads no config, store, engine or server code", async () => {
  const run = await loadedModules(["--version"], tmpdir());
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
  assert.ok(run.loaded.length > 0, "the hook saw the modules load");
  assert.deepEqual(heavyIn(run.loaded, ["config", "store", "engine", "deploy", "server", "controller", "builder", "proxy", "registry", "sources"]), []);
});

test("slipway pipeline history loads the config and the store, never the engine, the server or the controller", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-start-up-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "slipway.yml"), "images: {}\n");
  const run = await loadedModules(["--state-dir", join(dir, "state"), "pipeline", "history"], dir);
  assert.equal(run.code, 0);
  assert.equal(run.stdout, "no pipeline runs yet\n");
  assert.ok(run.loaded.some((url) => url.includes("/dist/src/config/")));
  assert.ok(run.loaded.some((url) => url.includes("/dist/src/store/")));
  assert.deepEqual(heavyIn(run.loaded, ["engine", "deploy", "server", "controller", "builder", "proxy"], ["dockerode", "fastify"]), []);
});
