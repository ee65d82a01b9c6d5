import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { createRegistryPool } from "../../../src/builder/registry-reader.js";
import type { ImageLaunchConfig } from "../../../src/config/image-launch-schema.js";
import type { Engine } from "../../../src/engine/index.js";
import { launch, LAUNCH_LABEL, type LaunchContext, type LaunchRequest } from "../../../src/launcher/index.js";
import { openStore, type Store } from "../../../src/store/index.js";
import { pushFilesImage } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testRunId } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { runSlipway, type CliRun } from "../../harness/cli.js";

const OLD = "20260101T000000Z";
const NEW = "20260102T000000Z";
const USER = { uid: 1000, gid: 1000 };

let engine: Engine;
let registry: TestRegistry;
let store: Store;
let work: string;
let repository: string;
let checkout: string;

const devLaunch: ImageLaunchConfig = { profile: "prod", mount: { source: "app", target: "/src/app", path: "" } };

before(async () => {
  engine = await ensureEngine();
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), "slipway-launcher-"));
  store = openStore({ stateDir: join(work, "state") });
  repository = `${registry.host}/launch${testRunId}/app`;
  for (const [tag, version] of [
    [OLD, "v1"],
    [NEW, "v2"],
  ] as const)
    await pushFilesImage(engine, `${repository}:${tag}`, { "app/hello.sh": `echo sealed ${version}\n` });

  checkout = join(work, "checkout");
  mkdirSync(checkout);
  writeFileSync(join(checkout, "hello.txt"), "from the checkout\n");
  // The caller's own checkout: as root, give it to the uid the container runs as.
  if (process.getuid?.() === 0) chownSync(checkout, USER.uid, USER.gid);
});

after(async () => {
  await store?.close();
  await cleanupTestRun(engine);
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Captured {
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly reports: string[];
}

function context(launchConfig?: ImageLaunchConfig, extra: Partial<LaunchContext> = {}): { context: LaunchContext; captured: Captured } {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on("data", (b: Buffer) => chunks.out.push(b));
  err.on("data", (b: Buffer) => chunks.err.push(b));
  const reports: string[] = [];
  const pool = createRegistryPool();
  return {
    context: {
      engine,
      registry: (host) => pool.client(host),
      images: new Map([["app", { repository, tagScheme: "timestamp" as const, ...(launchConfig === undefined ? {} : { launch: launchConfig }) }]]),
      sources: { app: { repo: "https://example.invalid/app.git" } },
      configDir: work,
      runBase: join(work, "run"),
      io: { stdin: Readable.from([]), stdout: out, stderr: err, attachStdin: false, tty: false, echo: true },
      report: (line) => reports.push(line),
      signals: [],
      ...extra,
    },
    captured: { stdout: () => Buffer.concat(chunks.out).toString("utf8"), stderr: () => Buffer.concat(chunks.err).toString("utf8"), reports },
  };
}

function request(fields: Partial<LaunchRequest>): LaunchRequest {
  return { image: "app", command: ["sh", "/app/hello.sh"], local: false, user: USER, env: {}, ...fields };
}

test("runs the newest version by tag from the registry, pulling it only when it is not local", async () => {
  await engine.removeImage(`${repository}:${NEW}`, { force: true });
  const first = context();
  const result = await launch(first.context, request({}));
  assert.equal(result.exitCode, 0);
  assert.equal(result.reference, `${repository}:${NEW}`);
  assert.equal(result.pulled, true);
  assert.equal(first.captured.stdout(), "sealed v2\n");
  assert.equal(first.captured.reports.length, 1);
  assert.match(first.captured.reports[0] ?? "", new RegExp(`${NEW}.*pulled`));

  const second = context();
  const again = await launch(second.context, request({}));
  assert.equal(again.pulled, false, "the newest is local now: no second pull");
  assert.equal(second.captured.stdout(), "sealed v2\n");
  assert.deepEqual(await engine.listContainers({ all: true, labels: { [LAUNCH_LABEL]: "app" } }), [], "the container is removed after it exits");
});

test("the exit code, stdout and stderr pass through unchanged", async () => {
  const { context: ctx, captured } = context();
  const result = await launch(ctx, request({ command: ["sh", "-c", "echo out; echo err >&2; exit 7"] }));
  assert.equal(result.exitCode, 7);
  assert.equal(captured.stdout(), "out\n");
  assert.equal(captured.stderr(), "err\n");
});

test("IMAGE_NAME, IMAGE_VERSION, the directories and -e variables are in the environment, and the host directories exist", async () => {
  const { context: ctx, captured } = context(undefined);
  const home = join(work, "home-env");
  const result = await launch(
    ctx,
    request({
      home,
      env: { GREETING: "hi there" },
      command: ["sh", "-c", 'echo "$IMAGE_NAME|$IMAGE_VERSION|$DATA_DIR|$LOG_DIR|$CONFIG_DIR|$TMPDIR|$GREETING"; echo data > "$DATA_DIR/written"'],
    }),
  );
  assert.equal(result.exitCode, 0, captured.stderr());
  assert.equal(captured.stdout(), `app|${NEW}|/data|/logs|/config|/scratch|hi there\n`);
  for (const dir of ["data", "logs", "config", "tmp"]) assert.ok(statSync(join(home, dir)).isDirectory(), `${dir} exists`);
  assert.equal(readFileSync(join(home, "data", "written"), "utf8"), "data\n");
  assert.equal(statSync(join(home, "data", "written")).uid, USER.uid, "a file the container writes belongs to the calling user");
});

test("the dev profile mounts the checkout read-write: its files are visible, and what the container writes appears there, owned by the caller", async () => {
  const { context: ctx, captured } = context({ ...devLaunch, mount: { source: "app", target: "/src/app", path: checkout } });
  const result = await launch(
    ctx,
    request({
      profile: "dev",
      command: ["sh", "-c", 'cat "$SOURCE_DIR/hello.txt"; pwd; echo made > "$SOURCE_DIR/made.txt"'],
    }),
  );
  assert.equal(result.exitCode, 0, captured.stderr());
  assert.equal(captured.stdout(), "from the checkout\n/src/app\n");
  assert.equal(readFileSync(join(checkout, "made.txt"), "utf8"), "made\n");
  assert.equal(statSync(join(checkout, "made.txt")).uid, USER.uid);
  assert.equal(statSync(join(checkout, "made.txt")).gid, USER.gid);
});

test("the prod profile mounts no checkout and runs the sealed code", async () => {
  const { context: ctx, captured } = context({ ...devLaunch, mount: { source: "app", target: "/src/app", path: checkout } });
  const result = await launch(
    ctx,
    request({ command: ["sh", "-c", 'sh /app/hello.sh; test -e /src/app/hello.txt && echo mounted || echo no-mount; echo "${SOURCE_DIR:-unset}"'] }),
  );
  assert.equal(result.profile, "prod");
  assert.equal(captured.stdout(), "sealed v2\nno-mount\nunset\n");
});

test("the dev profile without a local checkout says to set launch.mount.path", async () => {
  const { context: ctx } = context({ profile: "dev", mount: { source: "app", target: "/src/app" } });
  await assert.rejects(
    launch(ctx, request({})),
    (error: Error & { code?: string; hint?: string }) => error.code === "LAUNCH_INVALID" && /launch\.mount\.path/.test(error.hint ?? ""),
  );
});

test("--job writes a header and the output to the job's log and records the run", async () => {
  const logDir = join(work, "job-logs");
  const { context: ctx, captured } = context(undefined, { jobs: { store, logDir, maxSize: 1024 * 1024, files: 3 } });
  const result = await launch(ctx, request({ job: "nightly", env: { SECRET_TOKEN: "hunter2" }, command: ["sh", "-c", "echo job output; exit 3"] }));
  assert.equal(result.exitCode, 3);
  assert.equal(captured.stdout(), "job output\n");
  const log = readFileSync(join(logDir, "nightly.log"), "utf8");
  assert.match(log, /=== .* job nightly \(trigger: launcher\)/);
  assert.match(log, new RegExp(`image: ${repository}:${NEW}`));
  assert.match(log, /job output\n/);
  assert.doesNotMatch(log, /hunter2/);
  const [run] = await store.listJobRuns({ job: "nightly" });
  assert.equal(run?.trigger, "launcher");
  assert.equal(run?.status, "failed");
  assert.equal(run?.exitCode, 3);
});

function slipway(dir: string, args: readonly string[]): Promise<CliRun> {
  return runSlipway(["--state-dir", join(dir, "state"), ...args], { cwd: dir, env: { XDG_DATA_HOME: join(dir, "xdg") }, timeoutMs: 60_000 });
}

test("bin/slipway.js run: an image of slipway.yml, its exit code passed through, only the command's output on stdout", async () => {
  const dir = join(work, "project");
  mkdirSync(join(dir, "ctx"), { recursive: true });
  writeFileSync(join(dir, "ctx", "Dockerfile"), "FROM scratch\n");
  const ns = `${registry.host}/launch${testRunId}`;
  writeFileSync(
    join(dir, "slipway.yml"),
    [
      `registry: ${ns}`,
      "sources:",
      `  app: { repo: ${checkout}, branch: main }`,
      "images:",
      "  app:",
      "    context: ./ctx",
      "    launch:",
      `      mount: { source: app, target: /src/app, path: ${checkout} }`,
      "      env: { FROM_CONFIG: yes }",
      "",
    ].join("\n"),
  );
  const run = await slipway(dir, ["run", "app", "--", "sh", "-c", 'echo "$FROM_CONFIG $IMAGE_VERSION"; exit 5']);
  assert.equal(run.code, 5, run.stderr);
  assert.equal(run.stdout, `yes ${NEW}\n`);
  assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`slipway run: ${ns}/app:${NEW}`));
  assert.ok(existsSync(join(dir, "xdg", "slipway", "run", "app", "data")), "the default home is under $XDG_DATA_HOME/slipway/run/<image>");

  const dev = await slipway(dir, ["run", "--profile", "dev", "app", "cat", "/src/app/hello.txt"]);
  assert.equal(dev.code, 0, dev.stderr);
  assert.equal(dev.stdout, "from the checkout\n");
});

// Last: it stops the registry.
test("--local runs the newest local version and never asks the registry (stopped here)", async () => {
  await engine.removeImage(`${repository}:${NEW}`, { force: true });
  await registry.stop();
  const { context: ctx, captured } = context();
  const result = await launch(ctx, request({ local: true }));
  assert.equal(result.reference, `${repository}:${OLD}`);
  assert.equal(result.pulled, false);
  assert.equal(captured.stdout(), "sealed v1\n");
});
