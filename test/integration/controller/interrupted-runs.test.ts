import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../../src/config/index.js";
import { startController } from "../../../src/controller/controller.js";
import { openStore } from "../../../src/store/index.js";
import { ensureEngine } from "../../harness/engine.js";

/**
 * A controller killed mid-run leaves its runs "running"; the next controller on the same SQLite
 * store ends them as interrupted when it starts, and leaves alone a run of a controller that lives.
 */
test("a controller of this host that is gone left runs running: the next one on the store ends them as interrupted", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-interrupted-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "slipway.yml"), "environments: { prod: {} }\n");
  const stateDir = join(dir, "state");
  const store = openStore({ stateDir });
  const gonePid = spawnSync(process.execPath, ["-e", "0"]).pid;
  const gone = `${hostname()}:${gonePid}:0a1b2c`;
  const alive = `${hostname()}:${process.ppid}:3d4e5f`;
  const pipeline = await store.startPipelineRun({
    environment: "prod",
    source: "app",
    branch: "main",
    commit: "c".repeat(40),
    trigger: "poll",
    controller: gone,
  });
  const job = await store.startJobRun({ job: "nightly", trigger: "schedule", controller: gone });
  const other = await store.startJobRun({ job: "nightly", trigger: "schedule", controller: alive });
  const cli = await store.startJobRun({ job: "nightly", trigger: "cli" });

  const loaded = await loadConfig({ cwd: dir, env: {} });
  const controller = await startController({ loaded, stateDir, store, engine: await ensureEngine(), listen: { host: "127.0.0.1", port: 0 }, logger: false });
  try {
    const ended = await store.getPipelineRun(pipeline.id);
    assert.deepEqual([ended?.status, ended?.error], ["failed", `interrupted: ${gone} stopped leading before the run finished`]);
    const runs = new Map((await store.listJobRuns({ job: "nightly" })).map((run) => [run.id, run]));
    assert.equal(runs.get(job.id)?.status, "failed");
    assert.equal(runs.get(other.id)?.status, "running", "a live controller's run is its own");
    assert.equal(runs.get(cli.id)?.status, "running", "a run of `slipway job run` has no controller to judge by");
  } finally {
    await controller.stop();
    await store.close();
  }
});
