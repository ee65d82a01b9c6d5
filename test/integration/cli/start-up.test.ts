import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { SLIPWAY_BIN, runSlipway } from "../../harness/cli.js";

/**
 * The CLI starts fast for two reasons (docs/benchmarks.md, start-up): commands are registered
 * from light modules and load their heavy code only when run, and bin/slipway.js runs one
 * bundle of it with a V8 code cache. A static import of a heavy module in a command file would
 * slow every command down again; the first tests name it, on the unbundled CLI where each
 * module is its own file. The others check the bundle as users run it.
 */
const HEAVY_PACKAGES = ["zod", "yaml", "dockerode", "better-sqlite3", "fastify", "croner", "dotenv"];
const UNBUNDLED_MAIN = fileURLToPath(new URL("../../../src/cli/main.js", import.meta.url));

/** A module hook that prints the URL of every module loaded (ESM and the CommonJS packages it imports). */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(`
import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(
  "export async function load(url, context, next) { process.stderr.write('loaded ' + url + '\\\\n'); return next(url, context); }"
));
`)}`;

/** Runs dist/src/cli/main.js itself (not the bundle) with `args`, recording each module it loads. */
function loadedModules(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; loaded: string[] }> {
  const entry = `import { main } from ${JSON.stringify(UNBUNDLED_MAIN)}; process.exitCode = await main(${JSON.stringify(args)});`;
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", RECORD_LOADS, "--input-type=module", "-e", entry], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
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
  assert.ok(
    run.loaded.some((url) => url.includes("/dist/src/cli/")),
    "the hook saw the modules load",
  );
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

/** A preload that prints, at exit, every CommonJS file the process loaded from node_modules (the bundle's externals and deferred parts). */
const RECORD_REQUIRES = `data:text/javascript,${encodeURIComponent(`
import { createRequire } from "node:module";
const require = createRequire(process.cwd() + "/");
process.on("exit", () => {
  for (const file of Object.keys(require.cache)) if (file.includes("/node_modules/")) process.stderr.write("required " + file + "\\n");
});
`)}`;

test("the bundle: a command that reaches the engine loads neither ssh2 nor dockerode's gRPC session, and --version no package at all", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-start-up-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "slipway.yml"), "services:\n  web:\n    image: busybox:latest\n");
  const required = (args: readonly string[]) =>
    new Promise<{ code: number; stdout: string; packages: Set<string> }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", RECORD_REQUIRES, SLIPWAY_BIN, "--state-dir", join(dir, "state"), ...args],
        { cwd: dir, timeout: 60_000 },
        (error, stdout, stderr) => {
          const packages = new Set(
            stderr
              .split("\n")
              .filter((line) => line.startsWith("required "))
              .map((line) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line)?.[1] ?? line),
          );
          resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, packages });
        },
      );
    });

  const status = await required(["status"]);
  assert.equal(status.code, 0);
  assert.match(status.stdout, /web \(default\): not deployed/);
  assert.ok(status.packages.has("better-sqlite3"), `the hook saw the store's native addon load: ${[...status.packages].join(", ")}`);
  for (const name of ["ssh2", "@grpc/grpc-js", "@grpc/proto-loader", "protobufjs", "uuid"]) assert.ok(!status.packages.has(name), `${name} was loaded`);

  const version = await required(["--version"]);
  assert.equal(version.code, 0);
  assert.deepEqual([...version.packages], []);
});

test("the code cache: written on the first run, used after, and a damaged or foreign one only costs a compile", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-code-cache-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { XDG_CACHE_HOME: join(dir, "cache"), SLIPWAY_NO_CODE_CACHE: undefined };
  const cacheDir = join(dir, "cache", "slipway");
  const version = JSON.parse(readFileSync(fileURLToPath(new URL("../../../../package.json", import.meta.url)), "utf8")).version as string;

  const first = await runSlipway(["--version"], { cwd: dir, env });
  assert.deepEqual([first.code, first.stdout, first.stderr], [0, `${version}\n`, ""]);
  const [file, ...others] = readdirSync(cacheDir);
  assert.ok(file !== undefined && others.length === 0, `one cache file: ${readdirSync(cacheDir).join(", ")}`);
  const cacheFile = join(cacheDir, file);
  assert.equal(statSync(cacheDir).mode & 0o777, 0o700, "the cache folder is the user's alone");
  assert.equal(statSync(cacheFile).mode & 0o777, 0o600);
  const written = readFileSync(cacheFile);
  assert.ok(written.length > 100_000, `the compiled code is in it (${written.length} bytes)`);

  const second = await runSlipway(["--version"], { cwd: dir, env });
  assert.deepEqual([second.code, second.stdout], [0, `${version}\n`]);
  assert.ok(readFileSync(cacheFile).equals(written), "a cache V8 accepted is kept as it is");

  // the right key, garbage after it: V8 rejects the data, the command still runs and the cache is rewritten
  writeFileSync(cacheFile, Buffer.concat([written.subarray(0, 64), Buffer.alloc(4096, 7)]));
  const damaged = await runSlipway(["--version"], { cwd: dir, env });
  assert.deepEqual([damaged.code, damaged.stdout, damaged.stderr], [0, `${version}\n`, ""]);
  assert.ok(readFileSync(cacheFile).length > 100_000, "the damaged cache was replaced");

  // another bundle's or another Node.js's cache (its key differs): not used, replaced
  writeFileSync(cacheFile, Buffer.concat([Buffer.alloc(64, "0"), written.subarray(64)]));
  const foreign = await runSlipway(["--version"], { cwd: dir, env });
  assert.deepEqual([foreign.code, foreign.stdout], [0, `${version}\n`]);
  assert.ok(readFileSync(cacheFile).subarray(0, 64).equals(written.subarray(0, 64)), "the cache now carries this bundle's key");

  rmSync(cacheDir, { recursive: true });
  const off = await runSlipway(["--version"], { cwd: dir, env: { ...env, SLIPWAY_NO_CODE_CACHE: "1" } });
  assert.deepEqual([off.code, off.stdout], [0, `${version}\n`]);
  assert.deepEqual(readdirSync(join(dir, "cache")), [], "SLIPWAY_NO_CODE_CACHE=1 writes no cache");
});
