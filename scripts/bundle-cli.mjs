#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli, after tsc) into one CommonJS file,
// dist/bundle/cli/slipway.cjs, which bin/slipway.js runs with a V8 code cache. Why: a command
// that opens a project otherwise loads about 400 files as separate modules (src and zod, yaml,
// dockerode and their dependencies) and compiles them all on every run; one file is read and,
// from the second run on, not compiled at all (docs/benchmarks.md, CLI start-up). Modules
// that a command loads with `await import()` stay unevaluated until it runs. Tests and
// benches keep importing dist/src.
//
// Left out of the bundle and loaded from node_modules as before:
// - better-sqlite3: a native addon.
// - fastify: it loads plugins and pino's transports by file name at run time.
// Loaded only when first called: two modules dockerode requires at load time, yet only
// BuildKit sessions and docker-modem's own ssh agent use (Slipway's ssh:// hosts have their
// own transport, src/engine/ssh-transport.ts); they were two thirds of the engine's load time:
// - dockerode/lib/session.js (@grpc/grpc-js, @grpc/proto-loader, protobufjs, uuid)
// - docker-modem/lib/ssh.js (ssh2)
//
// usage: node scripts/bundle-cli.mjs
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = new URL("..", import.meta.url);
// two folders under dist/, as dist/src/util/version.js is: it finds package.json at ../../../
const outfile = fileURLToPath(new URL("dist/bundle/cli/slipway.cjs", root));

const EXTERNAL_PACKAGES = ["better-sqlite3", "fastify"];

/** Modules replaced by a stand-in that requires them on first call: importer's folder, specifier, module. */
const DEFERRED = [
  { importer: "/node_modules/dockerode/lib/", specifier: "./session", module: "dockerode/lib/session.js" },
  { importer: "/node_modules/docker-modem/lib/", specifier: "./ssh", module: "docker-modem/lib/ssh.js" },
];

/** Each DEFERRED module becomes a function of the same shape (both export one function) that requires the real one when called. */
const deferModules = {
  name: "defer-modules",
  setup(plugin) {
    const specifiers = new RegExp(`^(${DEFERRED.map((d) => d.specifier.replace(/[./]/g, "\\$&")).join("|")})$`);
    plugin.onResolve({ filter: specifiers }, (args) => {
      const deferred = DEFERRED.find((d) => args.importer.includes(d.importer) && d.specifier === args.path);
      return deferred === undefined ? undefined : { path: deferred.module, namespace: "deferred" };
    });
    plugin.onLoad({ filter: /.*/, namespace: "deferred" }, (args) => ({
      loader: "js",
      contents: `let real;
module.exports = function (...args) {
  real ??= require(${JSON.stringify(args.path)});
  return real.apply(this, args);
};`,
    }));
    // the stand-in's require() stays a require at run time, resolved from node_modules
    plugin.onResolve({ filter: /.*/, namespace: "deferred" }, (args) => ({ path: args.path, external: true }));
  },
};

/** EXTERNAL_PACKAGES (and their subpaths) stay requires resolved from node_modules at run time. */
const externalPackages = {
  name: "external-packages",
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
      return EXTERNAL_PACKAGES.includes(name) ? { path: args.path, external: true } : undefined;
    });
  },
};

rmSync(new URL("dist/bundle/", root), { recursive: true, force: true });
await build({
  stdin: {
    contents: 'export { main } from "./main.js";\nexport { stopQuietlyWhenOutputCloses } from "./closed-output.js";\n',
    resolveDir: fileURLToPath(new URL("dist/src/cli/", root)),
    sourcefile: "bundle-entry.js",
  },
  outfile,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // names kept, so that a bug's stack trace still reads; whitespace and syntax minified (less to parse)
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  sourcemap: "linked",
  logLevel: "warning",
  // src is ES modules: import.meta.url is the bundle's own URL
  define: { "import.meta.url": "__bundleUrl" },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [externalPackages, deferModules],
});
