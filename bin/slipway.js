#!/usr/bin/env node
// Runs the CLI as bundled by scripts/bundle-cli.mjs (npm run build) into one CommonJS file, with
// a V8 code cache: the first run compiles the bundle and saves the compiled code; later runs load
// it instead of compiling again (docs/benchmarks.md, CLI start-up). The cache is one file per
// installation in $XDG_CACHE_HOME/slipway (default ~/.cache/slipway), keyed by a hash of the
// bundle and the Node.js version; V8 checks it again and a rejected or unreadable cache only
// costs a compile. SLIPWAY_NO_CODE_CACHE=1 turns it off.
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const bundle = fileURLToPath(new URL("../dist/bundle/cli/slipway.cjs", import.meta.url));
let source;
try {
  source = readFileSync(bundle, "utf8");
} catch {
  process.stderr.write(`slipway: ${bundle} is missing: build Slipway first (npm run build)\n`);
  process.exit(70);
}

const KEY_LENGTH = 64;
const key = createHash("sha256").update(`${process.version}\0${process.arch}\0`).update(source).digest("hex");
const cacheFile = codeCacheFile();
const cached = cacheFile === undefined ? undefined : readCache(cacheFile);
const script = new Script(Module.wrap(source), { filename: bundle, ...(cached === undefined ? {} : { cachedData: cached }) });
const loaded = { exports: {} };
script.runInThisContext()(loaded.exports, createRequire(bundle), loaded, bundle, dirname(bundle));
const { main, stopQuietlyWhenOutputCloses } = loaded.exports;

stopQuietlyWhenOutputCloses();
process.exitCode = await main(process.argv.slice(2));
// saved after the command ran, so that the functions it compiled on the way are in it too
if (cacheFile !== undefined && (cached === undefined || script.cachedDataRejected === true)) writeCache(cacheFile, script.createCachedData());

function codeCacheFile() {
  if (process.env.SLIPWAY_NO_CODE_CACHE === "1") return undefined;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const installation = createHash("sha256").update(bundle).digest("hex").slice(0, 16);
  return join(base, "slipway", `cli-${installation}.v8cache`);
}

function readCache(file) {
  try {
    const data = readFileSync(file);
    return data.subarray(0, KEY_LENGTH).toString("latin1") === key ? data.subarray(KEY_LENGTH) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file, data) {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, Buffer.concat([Buffer.from(key, "latin1"), data]), { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    // a cache that cannot be written costs the next run a compile, nothing else
  }
}
