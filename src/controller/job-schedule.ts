import type { FastifyBaseLogger } from "fastify";
import { openBuildSession } from "../builder/session.js";
import type { LoadedConfig } from "../config/index.js";
import type { Engine } from "../engine/index.js";
import { createJobScheduler, findJob, jobEnv, jobHome, jobImage, jobLogDir, registryCredentials, runJob, type JobScheduler } from "../jobs/index.js";
import type { Notifier } from "../notify/index.js";
import type { Store } from "../store/index.js";

/**
 * The controller's job scheduler: every job of slipway.yml on its cron schedule, each run in
 * the newest image of its source; a failed run (non-zero exit, timeout, no image) is notified.
 */
export function scheduleJobs(input: {
  loaded: LoadedConfig;
  stateDir: string;
  store: Store;
  engine: Engine;
  notifier: Notifier;
  log: FastifyBaseLogger;
  /** The controller running the jobs, recorded with each run. */
  controller?: string;
}): JobScheduler {
  const { loaded, store } = input;
  const { config, dir } = loaded;
  const session = openBuildSession({ config, configDir: dir, stateDir: input.stateDir, store });
  const credentials = registryCredentials(config);
  const jobs = new Map(Object.entries(config.jobs).map(([name, job]) => [name, { schedule: job.schedule, overlap: job.overlap }]));
  const controller = input.controller === undefined ? {} : { controller: input.controller };
  return createJobScheduler({
    jobs,
    store,
    ...controller,
    log: (line) => input.log.info({ component: "jobs" }, line),
    run: async (name, trigger, signal) => {
      const job = findJob(config, name);
      const record = await runJob(
        {
          engine: input.engine,
          store,
          registries: session.registries,
          ...(credentials === undefined ? {} : { credentials }),
          ...controller,
          log: (line) => input.log.info({ job: name }, line),
        },
        {
          name,
          config: job,
          image: jobImage(config, session.targets, name, job),
          env: jobEnv(config, dir, job),
          home: jobHome(config, dir, job),
          logDir: jobLogDir(input.stateDir),
          trigger,
          signal,
        },
      ).catch(async (error: unknown) => {
        input.notifier.notify({
          event: "job-failure",
          title: `Job ${name} could not start`,
          subject: name,
          outcome: "failed",
          detail: { error: error instanceof Error ? error.message : String(error) },
        });
        throw error;
      });
      if (record.status === "failed") {
        input.notifier.notify({
          event: "job-failure",
          title: `Job ${name} failed${record.exitCode === undefined ? "" : ` with exit code ${record.exitCode}`}`,
          subject: name,
          outcome: "failed",
          detail: { run: record.id, image: record.image, exitCode: record.exitCode, error: record.error },
        });
      }
      input.log.info({ job: name, run: record.id, status: record.status, exitCode: record.exitCode }, "job run finished");
      return record;
    },
  });
}
