import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import type { JobRunRecord } from "../../store/index.js";
import { printJson } from "../context.js";
import { formatDuration } from "../progress.js";
import { withProject } from "../project.js";
import { remoteFromEnv } from "../remote.js";

/** slipway job run | list | history | logs: scheduled jobs, run by hand and looked into. */
export function registerJobCommands(program: Command): void {
  const job = program.command("job").description("scheduled jobs: run one now, list them, their history and logs");

  job
    .command("run")
    .description("run a job once now, in the newest image; its output goes to the terminal and its log, its exit code is passed through")
    .argument("<name>", "a job of slipway.yml")
    .action(async (name: string, _options: unknown, command: Command) => {
      const [{ openBuildSession }, { findJob, jobEnv, jobHome, jobImage, jobLogDir, registryCredentials, runJob }] = await Promise.all([
        import("../../builder/session.js"),
        import("../../jobs/index.js"),
      ]);
      const remote = remoteFromEnv();
      if (remote !== undefined) {
        // The controller runs it under the job's overlap rule; its output goes to the job's log there.
        const record = await remote.call<{ id: number; status: string; exitCode?: number; error?: string }>(
          "POST",
          `/api/v1/jobs/${encodeURIComponent(name)}/runs`,
        );
        process.stderr.write(
          `job ${name} run ${record.id} on ${remote.url}: ${record.status}${record.error === undefined ? ` (exit code ${record.exitCode ?? "?"})` : `: ${record.error}`}; its output is in the job's log there\n`,
        );
        process.exitCode = record.status === "skipped" ? 75 : (record.exitCode ?? 1);
        return;
      }
      await withProject(command, async (project) => {
        const { config, dir } = project.loaded;
        const spec = findJob(config, name);
        const session = openBuildSession({ config, configDir: dir, stateDir: project.stateDir, store: project.store() });
        const credentials = registryCredentials(config);
        const abort = new AbortController();
        const onSignal = (): void => abort.abort();
        process.once("SIGINT", onSignal);
        process.once("SIGTERM", onSignal);
        try {
          const record = await runJob(
            {
              engine: await project.engine(),
              store: project.store(),
              registries: session.registries,
              ...(credentials === undefined ? {} : { credentials }),
              log: (line) => process.stderr.write(`${line}\n`),
            },
            {
              name,
              config: spec,
              image: jobImage(config, session.targets, name, spec),
              env: jobEnv(config, dir, spec),
              home: jobHome(config, dir, spec),
              logDir: jobLogDir(project.stateDir),
              trigger: "cli",
              signal: abort.signal,
              onOutput: (chunk) => (chunk.stream === "stderr" ? process.stderr : process.stdout).write(chunk.text),
            },
          );
          process.stderr.write(
            `job ${name} run ${record.id}: ${record.status}${record.error === undefined ? ` (exit code ${record.exitCode ?? "?"})` : `: ${record.error}`}\n`,
          );
          if (record.status === "failed") {
            project.notify({
              event: "job-failure",
              title: `Job ${name} failed${record.exitCode === undefined ? "" : ` with exit code ${record.exitCode}`}`,
              subject: name,
              outcome: "failed",
              detail: { run: record.id, image: record.image, exitCode: record.exitCode, error: record.error },
            });
          }
          process.exitCode = record.exitCode ?? 1;
        } finally {
          process.removeListener("SIGINT", onSignal);
          process.removeListener("SIGTERM", onSignal);
        }
      });
    });

  job
    .command("list")
    .description("the jobs of slipway.yml: schedule, next run and the last run's outcome")
    .option("--json", "print the list as JSON")
    .action(async (options: { json?: boolean }, command: Command) => {
      const [{ Cron }, { cronOptions }] = await Promise.all([import("croner"), import("../../config/cron.js")]);
      await withProject(command, async (project) => {
        const rows = await Promise.all(
          Object.entries(project.loaded.config.jobs).map(async ([name, spec]) => {
            const [last] = await project.store().listJobRuns({ job: name, limit: 1 });
            const next = new Cron(spec.schedule, { ...cronOptions, paused: true }).nextRun();
            return {
              name,
              schedule: spec.schedule,
              image: spec.image,
              overlap: spec.overlap,
              next: next?.toISOString(),
              last: last === undefined ? undefined : lastRun(last),
            };
          }),
        );
        if (options.json) {
          printJson(rows);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write("no jobs in slipway.yml\n");
          return;
        }
        for (const row of rows) {
          const last =
            row.last === undefined
              ? "never run"
              : `last run ${row.last.id} ${row.last.status}${row.last.exitCode === undefined ? "" : ` (exit code ${row.last.exitCode})`} at ${row.last.startedAt}`;
          process.stdout.write(`${row.name}  "${row.schedule}"  next ${row.next ?? "never"}  ${last}\n`);
        }
      });
    });

  job
    .command("history")
    .description("the runs of a job, newest first: trigger, outcome, exit code, duration, image")
    .argument("<name>", "a job of slipway.yml")
    .option("-n, --limit <n>", "how many runs", "20")
    .option("--json", "print the history as JSON")
    .action(async (name: string, options: { limit: string; json?: boolean }, command: Command) => {
      const { findJob } = await import("../../jobs/job-setup.js");
      await withProject(command, async (project) => {
        findJob(project.loaded.config, name);
        const runs = await project.store().listJobRuns({ job: name, limit: Number(options.limit) || 20 });
        if (options.json) {
          printJson(runs.map((run) => ({ ...run, durationMs: duration(run) })));
          return;
        }
        if (runs.length === 0) process.stdout.write(`job ${name} has not run yet\n`);
        for (const run of runs) {
          const took = duration(run);
          const exit = run.exitCode === undefined ? "" : ` exit code ${run.exitCode}`;
          process.stdout.write(
            `#${run.id} ${run.startedAt.toISOString()} ${run.status}${exit}${took === undefined ? "" : ` in ${formatDuration(took)}`}, by ${run.trigger}${run.image === undefined ? "" : `, ${run.image}`}\n`,
          );
          if (run.error !== undefined) process.stdout.write(`    ${run.error}\n`);
        }
      });
    });

  job
    .command("logs")
    .description("the path of a job's current log file and its last lines")
    .argument("<name>", "a job of slipway.yml")
    .option("-n, --tail <n>", "lines from the end", "50")
    .action(async (name: string, options: { tail: string }, command: Command) => {
      const { findJob, jobLogDir } = await import("../../jobs/job-setup.js");
      await withProject(command, (project) => {
        findJob(project.loaded.config, name);
        const path = `${jobLogDir(project.stateDir)}/${name}.log`;
        process.stdout.write(`${path}\n`);
        if (!existsSync(path)) {
          process.stdout.write(`(no log yet: job ${name} has not run here)\n`);
          return Promise.resolve();
        }
        const lines = readFileSync(path, "utf8").split("\n");
        if (lines.at(-1) === "") lines.pop();
        const tail = Math.max(1, Number(options.tail) || 50);
        process.stdout.write(
          lines
            .slice(-tail)
            .map((line) => `${line}\n`)
            .join(""),
        );
        return Promise.resolve();
      });
    });
}

function lastRun(run: JobRunRecord): { id: number; status: string; exitCode?: number; startedAt: string } {
  return { id: run.id, status: run.status, ...(run.exitCode === undefined ? {} : { exitCode: run.exitCode }), startedAt: run.startedAt.toISOString() };
}

function duration(run: JobRunRecord): number | undefined {
  return run.finishedAt === undefined ? undefined : run.finishedAt.getTime() - run.startedAt.getTime();
}
