import { Cron } from "croner";
import { cronOptions } from "../config/cron.js";
import { suggestion } from "../config/did-you-mean.js";
import { SlipwayError } from "../errors/index.js";
import type { JobRunRecord, Store } from "../store/index.js";

/** What the scheduler needs of a job (a JobConfig is one). */
export interface ScheduledJob {
  readonly schedule: string;
  /** A run due while the last still runs: skip it, or queue it (at most one queued). */
  readonly overlap: "skip" | "queue";
}

export type RunJobFn = (name: string, trigger: string, signal: AbortSignal) => Promise<JobRunRecord>;

export interface JobSchedulerOptions {
  readonly jobs: ReadonlyMap<string, ScheduledJob>;
  /** Runs one job to its end; `signal` aborts when the scheduler stops past its grace. */
  readonly run: RunJobFn;
  /** Where skipped runs are recorded. */
  readonly store: Pick<Store, "startJobRun">;
  /** The controller whose scheduler this is, recorded with skipped runs. */
  readonly controller?: string;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
  /** How long stop() waits for running jobs before aborting them. Default 30 s. */
  readonly stopGraceMs?: number;
}

export interface JobScheduler {
  start(): void;
  /** Stops scheduling; waits for running jobs, aborting them after the grace. */
  stop(): Promise<void>;
  /** The next scheduled time of a job, if it has one. */
  next(name: string): Date | undefined;
  /** Runs a job now, under the same overlap rule as scheduled runs. Resolves with its record. */
  runNow(name: string, trigger: string): Promise<JobRunRecord>;
}

interface Queued {
  readonly trigger: string;
  resolve(record: JobRunRecord): void;
  reject(error: unknown): void;
}

interface JobState {
  readonly spec: ScheduledJob;
  readonly cron: Cron;
  running?: Promise<JobRunRecord>;
  abort?: AbortController;
  queued?: Queued;
}

const DEFAULT_STOP_GRACE_MS = 30_000;

/**
 * Runs jobs on their cron schedules (croner, with the options schedules are validated with).
 * One run of a job at a time: a run that falls due while the previous one runs is skipped
 * (recorded as a skipped run with the reason) or, with `overlap: queue`, runs once right
 * after it; further triggers while one is queued are skipped.
 */
export function createJobScheduler(options: JobSchedulerOptions): JobScheduler {
  const now = options.now ?? (() => new Date());
  const states = new Map<string, JobState>();
  let stopping = false;

  const skip = (name: string, trigger: string, reason: string): Promise<JobRunRecord> => {
    options.log(`job ${name}: skipped a ${trigger} run: ${reason}`);
    return options.store.startJobRun({
      job: name,
      trigger,
      status: "skipped",
      error: reason,
      ...(options.controller === undefined ? {} : { controller: options.controller }),
    });
  };

  const launch = (name: string, state: JobState, trigger: string): Promise<JobRunRecord> => {
    const abort = new AbortController();
    const running = options.run(name, trigger, abort.signal);
    state.running = running;
    state.abort = abort;
    const done = (): void => {
      state.running = undefined;
      state.abort = undefined;
      const queued = state.queued;
      if (queued === undefined) return;
      state.queued = undefined;
      launch(name, state, queued.trigger).then(queued.resolve, queued.reject);
    };
    running.then(done, done);
    return running;
  };

  const trigger = (name: string, trigger: string): Promise<JobRunRecord> => {
    const state = states.get(name);
    if (state === undefined) return Promise.reject(jobNotFound(name, states.keys()));
    if (stopping) return skip(name, trigger, "the scheduler is stopping");
    if (state.running === undefined) return launch(name, state, trigger);
    if (state.spec.overlap === "skip") return skip(name, trigger, "the previous run is still running (overlap: skip)");
    if (state.queued !== undefined) return skip(name, trigger, "the previous run is still running and one run is already queued (overlap: queue)");
    options.log(`job ${name}: a ${trigger} run is queued behind the running one`);
    return new Promise<JobRunRecord>((resolve, reject) => {
      state.queued = { trigger, resolve, reject };
    });
  };

  for (const [name, spec] of options.jobs) {
    let cron: Cron;
    try {
      cron = new Cron(spec.schedule, { ...cronOptions, paused: true }, () => {
        trigger(name, "schedule").then(
          (record) => options.log(`job ${name}: run ${record.id} ${record.status}${record.exitCode === undefined ? "" : ` (exit code ${record.exitCode})`}`),
          (error: unknown) => options.log(`job ${name}: the scheduled run failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      });
    } catch (error) {
      throw new SlipwayError("CONFIG_INVALID", `job ${name} has a schedule croner cannot run: ${spec.schedule}`, { cause: error });
    }
    states.set(name, { spec, cron });
  }

  return {
    start() {
      if (stopping) return;
      for (const state of states.values()) state.cron.resume();
    },
    async stop() {
      stopping = true;
      const dropped: Promise<unknown>[] = [];
      for (const [name, state] of states) {
        state.cron.stop();
        const queued = state.queued;
        if (queued === undefined) continue;
        state.queued = undefined;
        dropped.push(skip(name, queued.trigger, "the scheduler stopped before the queued run began").then(queued.resolve, queued.reject));
      }
      await Promise.all(dropped);
      const running = (): Promise<unknown>[] =>
        [...states.values()].flatMap((state) => (state.running === undefined ? [] : [state.running.catch(() => undefined)]));
      const grace = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.all(running()).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), grace);
        }),
      ]);
      clearTimeout(timer);
      if (!timedOut) return;
      for (const [name, state] of states) {
        if (state.abort === undefined) continue;
        options.log(`job ${name}: still running ${grace} ms after stop; stopping its container`);
        state.abort.abort();
      }
      await Promise.all(running());
    },
    next(name) {
      const state = states.get(name);
      if (state === undefined || stopping) return undefined;
      return state.cron.nextRun(now()) ?? undefined;
    },
    runNow: trigger,
  };
}

export function jobNotFound(name: string, known: Iterable<string>): SlipwayError {
  const names = [...known];
  return new SlipwayError("JOB_NOT_FOUND", `there is no job "${name}" in slipway.yml${suggestion(name, names)}`, {
    hint: names.length === 0 ? "declare it under jobs: in slipway.yml" : `jobs: ${names.join(", ")}`,
  });
}
