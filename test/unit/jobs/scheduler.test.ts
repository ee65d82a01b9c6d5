import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { isSlipwayError } from "../../../src/errors/index.js";
import { createJobScheduler, type RunJobFn, type ScheduledJob } from "../../../src/jobs/scheduler.js";
import type { JobRunRecord, NewJobRun } from "../../../src/store/index.js";

/** Runs of one job as the scheduler started them, with their real start and end times. */
interface Recorder {
  readonly runs: Array<{ trigger: string; start: number; end?: number }>;
  readonly skipped: NewJobRun[];
  maxConcurrent: number;
  run: RunJobFn;
  store: { startJobRun(run: NewJobRun): Promise<JobRunRecord> };
}

function recorder(durationMs: number): Recorder {
  let ids = 0;
  let active = 0;
  const record = (job: string, trigger: string, status: JobRunRecord["status"]): JobRunRecord => ({ id: ++ids, job, trigger, status, startedAt: new Date() });
  const self: Recorder = {
    runs: [],
    skipped: [],
    maxConcurrent: 0,
    async run(name, trigger, signal) {
      const entry: Recorder["runs"][number] = { trigger, start: Date.now() };
      self.runs.push(entry);
      active += 1;
      self.maxConcurrent = Math.max(self.maxConcurrent, active);
      await sleep(durationMs, undefined, { signal }).catch(() => undefined);
      active -= 1;
      entry.end = Date.now();
      return { ...record(name, trigger, signal.aborted ? "failed" : "succeeded"), exitCode: signal.aborted ? 137 : 0 };
    },
    store: {
      startJobRun(run) {
        self.skipped.push(run);
        return Promise.resolve(record(run.job, run.trigger, run.status ?? "running"));
      },
    },
  };
  return self;
}

const everySecond = (overlap: ScheduledJob["overlap"]): Map<string, ScheduledJob> => new Map([["tick", { schedule: "* * * * * *", overlap }]]);

test("overlap skip: a 2.5 s job on a 1 s schedule never overlaps; the runs due meanwhile are recorded as skipped", async () => {
  const rec = recorder(2_500);
  const scheduler = createJobScheduler({ jobs: everySecond("skip"), run: rec.run, store: rec.store, log: () => undefined });
  scheduler.start();
  await sleep(4_300);
  await scheduler.stop();
  assert.equal(rec.maxConcurrent, 1);
  assert.ok(rec.runs.length >= 1 && rec.runs.length <= 2, `runs: ${rec.runs.length}`);
  assert.ok(rec.skipped.length >= 2, `skipped: ${rec.skipped.length}`);
  for (const skipped of rec.skipped) {
    assert.equal(skipped.status, "skipped");
    assert.equal(skipped.trigger, "schedule");
    assert.match(skipped.error ?? "", /previous run is still running \(overlap: skip\)/);
  }
  const [first, second] = rec.runs;
  if (first && second) assert.ok(second.start >= (first.end ?? Infinity) + 300, "the next run starts at a later tick, not right after the first");
});

test("overlap queue: one run waits and starts as soon as the running one ends; further ticks are skipped", async () => {
  const rec = recorder(2_500);
  const scheduler = createJobScheduler({ jobs: everySecond("queue"), run: rec.run, store: rec.store, log: () => undefined });
  scheduler.start();
  await sleep(3_400);
  await scheduler.stop();
  assert.equal(rec.maxConcurrent, 1);
  assert.equal(rec.runs.length, 2, "the first run and the queued one");
  const [first, second] = rec.runs;
  assert.ok(first?.end !== undefined && second !== undefined);
  assert.ok(second.start - first.end < 100, `the queued run started ${second.start - first.end} ms after the first ended`);
  assert.ok(rec.skipped.length >= 1, "ticks while one run is queued are skipped");
  for (const skipped of rec.skipped) assert.match(skipped.error ?? "", /one run is already queued|scheduler is stopping|stopped before the queued run/);
});

test("runNow follows the overlap rule too and resolves with the run's record", async () => {
  const rec = recorder(300);
  const scheduler = createJobScheduler({
    jobs: new Map([["j", { schedule: "0 0 1 1 *", overlap: "skip" }]]),
    run: rec.run,
    store: rec.store,
    log: () => undefined,
  });
  const first = scheduler.runNow("j", "cli");
  const second = await scheduler.runNow("j", "api");
  assert.equal(second.status, "skipped");
  assert.equal((await first).status, "succeeded");
  assert.equal((await scheduler.runNow("j", "cli")).status, "succeeded", "once the run ended, the next one runs");
  assert.deepEqual(
    rec.runs.map((r) => r.trigger),
    ["cli", "cli"],
  );
  await scheduler.stop();
});

test("stop waits for a running job, and aborts it after the grace", async () => {
  const rec = recorder(5_000);
  const scheduler = createJobScheduler({
    jobs: new Map([["j", { schedule: "0 0 1 1 *", overlap: "queue" }]]),
    run: rec.run,
    store: rec.store,
    log: () => undefined,
    stopGraceMs: 200,
  });
  const running = scheduler.runNow("j", "cli");
  const queued = scheduler.runNow("j", "cli");
  const started = Date.now();
  await scheduler.stop();
  assert.ok(Date.now() - started < 2_000, "stopped after the grace, not after the job's 5 s");
  assert.equal((await running).status, "failed");
  assert.equal((await queued).status, "skipped", "the queued run never began");
  assert.equal(rec.runs.length, 1);
});

test("next gives the schedule's next time from now(); an unknown job is JOB_NOT_FOUND with a suggestion", async () => {
  const scheduler = createJobScheduler({
    jobs: new Map([["nightly", { schedule: "0 3 * * *", overlap: "skip" }]]),
    run: recorder(0).run,
    store: recorder(0).store,
    log: () => undefined,
    now: () => new Date(2026, 0, 1, 12, 0, 0),
  });
  assert.deepEqual(scheduler.next("nightly"), new Date(2026, 0, 2, 3, 0, 0));
  assert.equal(scheduler.next("other"), undefined);
  await assert.rejects(scheduler.runNow("nightlly", "cli"), (error) => isSlipwayError(error, "JOB_NOT_FOUND") && /did you mean "nightly"/.test(error.message));
  await scheduler.stop();
});
