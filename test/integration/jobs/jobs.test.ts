import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createRegistryPool } from "../../../src/builder/registry-reader.js";
import { jobSchema, type JobConfig } from "../../../src/config/job-schema.js";
import type { Engine } from "../../../src/engine/index.js";
import { createJobScheduler, JOB_LABEL, runJob, type JobPorts } from "../../../src/jobs/index.js";
import { openStore, type JobRunRecord, type Store } from "../../../src/store/index.js";
import { Secret } from "../../../src/util/secret.js";
import { pushFilesImage } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels, testRunId } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { runSlipway, type CliRun } from "../../harness/cli.js";

const OLD = "20260101T000000Z";
const NEW = "20260102T000000Z";

let engine: Engine;
let registry: TestRegistry;
let store: Store;
let work: string;
let repository: string;
const logLines: string[] = [];

function ports(): JobPorts {
  return { engine, store, registries: createRegistryPool(), log: (line) => logLines.push(line) };
}

function job(fields: Record<string, unknown>): JobConfig {
  return jobSchema.parse({ image: "app", schedule: "@daily", command: ["cat", "/version"], ...fields });
}

function run(
  name: string,
  config: JobConfig,
  extra: { env?: Record<string, string | Secret>; logDir?: string; trigger?: string; signal?: AbortSignal } = {},
): Promise<JobRunRecord> {
  return runJob(ports(), {
    name,
    config,
    image: { name: "app", repository, scheme: "timestamp" },
    env: extra.env ?? {},
    home: join(work, "home", "app"),
    logDir: extra.logDir ?? join(work, "logs"),
    trigger: extra.trigger ?? "cli",
    labels: testLabels(),
    stopGraceSeconds: 1,
    ...(extra.signal === undefined ? {} : { signal: extra.signal }),
  });
}

before(async () => {
  engine = await ensureEngine();
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), "slipway-jobs-"));
  store = openStore({ stateDir: join(work, "state") });
  repository = `${registry.host}/jobs${testRunId}/app`;
  for (const [tag, version] of [
    [OLD, "v1"],
    [NEW, "v2"],
  ] as const)
    await pushFilesImage(engine, `${repository}:${tag}`, { version: `${version}\n` });

  // Pushed, then removed here: the first run must pull the newest.
  await engine.removeImage(`${repository}:${NEW}`, { force: true });
});

after(async () => {
  await store?.close();
  await cleanupTestRun(engine);
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("a job runs in the newest image by tag, pulled only when it is not local; the run is recorded and the container removed", async () => {
  logLines.length = 0;
  const first = await run("show", job({}));
  assert.equal(first.status, "succeeded");
  assert.equal(first.exitCode, 0);
  assert.equal(first.image, `${repository}:${NEW}`);
  assert.ok(first.finishedAt !== undefined && first.finishedAt >= first.startedAt);
  const text = readFileSync(join(work, "logs", "show.log"), "utf8");
  assert.match(
    text,
    new RegExp(
      `^=== .* job show \\(trigger: cli\\)\\n=== image: ${repository}:${NEW} \\(version ${NEW}\\)\\n=== command: cat /version\\n=== env: CONFIG_DIR, DATA_DIR, IMAGE_NAME, IMAGE_VERSION, LOG_DIR, TMPDIR \\(values not logged\\)\\nv2\\n=== exit code 0 after`,
      "m",
    ),
  );
  assert.ok(
    logLines.some((line) => line === `pulling ${repository}:${NEW}`),
    logLines.join("\n"),
  );

  logLines.length = 0;
  await run("show", job({}));
  assert.ok(!logLines.some((line) => line.startsWith("pulling")), "the second run uses the local image");
  assert.deepEqual(await engine.listContainers({ labels: { [JOB_LABEL.job]: "show" }, all: true }), [], "job containers are removed");
  const history = await store.listJobRuns({ job: "show" });
  assert.deepEqual(
    history.map((r) => r.status),
    ["succeeded", "succeeded"],
  );
});

test("a job gets the variables and directories `slipway run` gives: IMAGE_NAME and IMAGE_VERSION of the image it ran, and the home's four directories", async () => {
  const printEnv = 'echo "name=$IMAGE_NAME version=$IMAGE_VERSION"; echo "dirs=$DATA_DIR $LOG_DIR $CONFIG_DIR $TMPDIR mode=$MODE"; echo kept > "$DATA_DIR/out"';
  const record = await run("env", job({ command: ["sh", "-c", printEnv] }), { env: { MODE: "batch", IMAGE_NAME: "spoofed" } });
  assert.equal(record.status, "succeeded", record.error);
  const text = readFileSync(join(work, "logs", "env.log"), "utf8");
  assert.match(text, new RegExp(`^name=app version=${NEW}$`, "m"), text);
  assert.match(text, /^dirs=\/data \/logs \/config \/scratch mode=batch$/m, text);
  assert.equal(readFileSync(join(work, "home", "app", "data", "out"), "utf8"), "kept\n", "$DATA_DIR is the image's home data/ on the host");
  for (const dir of ["logs", "config", "tmp"]) assert.ok(statSync(join(work, "home", "app", dir)).isDirectory(), `${dir}/ was made`);
});

test("a failing command records its exit code; a hanging one is stopped at its timeout", async () => {
  const failed = await run("fails", job({ command: ["sh", "-c", "echo about to fail >&2; exit 3"] }));
  assert.equal(failed.status, "failed");
  assert.equal(failed.exitCode, 3);
  assert.match(failed.error ?? "", /exit code 3/);
  assert.match(readFileSync(join(work, "logs", "fails.log"), "utf8"), /about to fail\n=== exit code 3/);

  const started = Date.now();
  const hung = await run("hangs", job({ command: ["sleep", "60"], timeout: "1s" }));
  assert.ok(Date.now() - started < 15_000, `stopped in ${Date.now() - started} ms`);
  assert.equal(hung.status, "failed");
  assert.match(hung.error ?? "", /^timed out after 1s; stopped/);
  assert.deepEqual(await engine.listContainers({ labels: { [JOB_LABEL.job]: "hangs" }, all: true }), []);
});

test("an aborted run stops its container and is recorded as failed", async () => {
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 1_000);
  const record = await run("aborted", job({ command: ["sleep", "60"] }), { signal: abort.signal });
  assert.equal(record.status, "failed");
  assert.match(record.error ?? "", /cancelled/);
});

test("a secret variable reaches the container but never the log file or the store", async () => {
  const value = `tok-${testRunId}-very-secret`;
  const record = await run("secret", job({ command: ["sh", "-c", 'echo "token=$API_TOKEN mode=$MODE"; echo "$API_TOKEN" >&2'] }), {
    env: { API_TOKEN: new Secret(value), MODE: "batch" },
  });
  assert.equal(record.status, "succeeded");
  const text = readFileSync(join(work, "logs", "secret.log"), "utf8");
  assert.match(text, /token=\[redacted\] mode=batch/, "the container got the value, and its output was redacted");
  assert.match(text, /^=== env: API_TOKEN, CONFIG_DIR, DATA_DIR, IMAGE_NAME, IMAGE_VERSION, LOG_DIR, MODE, TMPDIR \(values not logged\)$/m);
  assert.ok(!text.includes(value), "the value is not in the log");
  assert.ok(!JSON.stringify(await store.listJobRuns()).includes(value));
  for (const name of readdirSync(join(work, "state"))) {
    const path = join(work, "state", name);
    if (statSync(path).isFile()) assert.ok(!readFileSync(path).includes(value), `not in ${name}`);
  }
});

test("the log rotates by size over many runs and keeps at most `files` files", async () => {
  const logDir = join(work, "rotating");
  const config = job({ log: { max_size: 300, files: 3 } });
  for (let index = 0; index < 7; index += 1) await run("rotates", config, { logDir });
  const files = readdirSync(logDir).sort();
  assert.deepEqual(files, ["rotates.log", "rotates.log.1", "rotates.log.2"]);
  for (const name of files) assert.ok(statSync(join(logDir, name)).size <= 300, `${name} is within max_size`);
  const newest = readFileSync(join(logDir, "rotates.log"), "utf8");
  const runs = await store.listJobRuns({ job: "rotates", limit: 1 });
  assert.match(newest, /=== command: cat \/version\n=== env: .*\nv2\n=== exit code 0/);
  assert.equal(runs[0]?.status, "succeeded");
});

/** Runs of one job recorded in the store: started ones never overlap. */
async function scheduledRuns(name: string, overlap: "skip" | "queue", seconds: number): Promise<JobRunRecord[]> {
  const config = job({ schedule: "* * * * * *", overlap, command: ["sleep", "2.5"] });
  const scheduler = createJobScheduler({
    jobs: new Map([[name, config]]),
    store,
    log: () => undefined,
    run: (jobName, trigger, signal) => run(jobName, config, { trigger, signal }),
  });
  scheduler.start();
  await sleep(seconds * 1000);
  await scheduler.stop();
  const runs = (await store.listJobRuns({ job: name })).reverse();
  const ran = runs.filter((r) => r.status !== "skipped");
  for (const [index, later] of ran.entries()) {
    const earlier = ran[index - 1];
    if (earlier?.finishedAt !== undefined) assert.ok(later.startedAt >= earlier.finishedAt, `run ${later.id} started before run ${earlier.id} finished`);
  }
  return runs;
}

test("overlap skip: runs due while a 2.5 s run is running are recorded as skipped", async () => {
  const runs = await scheduledRuns("tick-skip", "skip", 4.5);
  const skipped = runs.filter((r) => r.status === "skipped");
  assert.ok(
    runs.some((r) => r.status === "succeeded"),
    JSON.stringify(runs),
  );
  assert.ok(skipped.length >= 2, JSON.stringify(runs));
  for (const r of skipped) assert.match(r.error ?? "", /still running \(overlap: skip\)/);
});

test("overlap queue: one run waits for the running one and starts when it ends", async () => {
  const runs = await scheduledRuns("tick-queue", "queue", 5);
  const ran = runs.filter((r) => r.status !== "skipped");
  assert.equal(ran.length, 2, JSON.stringify(runs));
  const [first, second] = ran;
  assert.ok(first?.finishedAt !== undefined && second !== undefined);
  assert.ok(second.startedAt.getTime() - first.finishedAt.getTime() < 1_000, "the queued run starts right after the first");
  assert.ok(
    runs.some((r) => r.status === "skipped" && /already queued/.test(r.error ?? "")),
    JSON.stringify(runs),
  );
});

function slipway(dir: string, args: readonly string[]): Promise<CliRun> {
  return runSlipway(["--state-dir", join(dir, "state"), ...args], {
    cwd: dir,
    env: { RELEASE_TOKEN: `rt-${testRunId}-hidden`, XDG_DATA_HOME: join(dir, "xdg") },
  });
}

test("slipway job run passes the command's exit code through; list, history and logs show the runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-job-cli-"));
  try {
    mkdirSync(join(dir, "app"));
    writeFileSync(
      join(dir, "slipway.yml"),
      [
        `registry: ${registry.host}/jobs${testRunId}`,
        "images:",
        "  app: { context: ./app }",
        "jobs:",
        "  show: { image: app, schedule: '0 3 * * *', command: [cat, /version] }",
        "  env: { image: app, schedule: '@daily', command: [sh, -c, 'echo $IMAGE_NAME $IMAGE_VERSION $DATA_DIR; echo x > $DATA_DIR/x'] }",
        "  fails:",
        "    image: app",
        "    schedule: '@daily'",
        "    command: [sh, -c, 'echo token=$RELEASE_TOKEN; exit 7']",
        "    env: { RELEASE_TOKEN: '${RELEASE_TOKEN}' }",
        "",
      ].join("\n"),
    );
    const ok = await slipway(dir, ["job", "run", "show"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "v2\n", "the command's output on the terminal");

    const env = await slipway(dir, ["job", "run", "env"]);
    assert.equal(env.code, 0, env.stderr);
    assert.equal(env.stdout, `app ${NEW} /data\n`, "IMAGE_NAME and IMAGE_VERSION are the image and version the job ran");
    assert.ok(statSync(join(dir, "xdg", "slipway", "run", "app", "data", "x")).isFile(), "the image's home is the one slipway run uses");

    const failed = await slipway(dir, ["job", "run", "fails"]);
    assert.equal(failed.code, 7, failed.stderr);
    assert.equal(failed.stdout, "token=[redacted]\n");
    assert.doesNotMatch(failed.stderr, /error\[/);

    const unknown = await slipway(dir, ["job", "run", "shwo"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^error\[JOB_NOT_FOUND\]: there is no job "shwo" in slipway.yml — did you mean "show"\?/m);

    const history = await slipway(dir, ["job", "history", "fails", "--json"]);
    assert.equal(history.code, 0, history.stderr);
    const runs = JSON.parse(history.stdout) as Array<{ status: string; exitCode: number; durationMs: number; trigger: string }>;
    assert.equal(runs.length, 1);
    assert.deepEqual([runs[0]?.status, runs[0]?.exitCode, runs[0]?.trigger], ["failed", 7, "cli"]);
    assert.ok((runs[0]?.durationMs ?? -1) >= 0);

    const list = await slipway(dir, ["job", "list"]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^show {2}"0 3 \* \* \*" {2}next \S+ {2}last run \d+ succeeded \(exit code 0\)/m);
    assert.match(list.stdout, /^fails .* failed \(exit code 7\)/m);

    const logs = await slipway(dir, ["job", "logs", "show"]);
    assert.equal(logs.code, 0, logs.stderr);
    const [path, ...tail] = logs.stdout.split("\n");
    assert.equal(path, join(dir, "state", "logs", "jobs", "show.log"));
    assert.match(tail.join("\n"), /=== command: cat \/version\n=== env: .*\nv2\n=== exit code 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
