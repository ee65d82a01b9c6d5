import type { Command } from "commander";
import { WorkCancelled } from "../../util/work-queue.js";
import { SlipwayError } from "../../errors/index.js";
import { toWire, type Wire } from "../../app/wire.js";
import type { PipelineRunRecord, PipelineStep } from "../../store/index.js";
import { printJson } from "../context.js";
import { renderRun, runLine } from "../pipeline-view.js";
import { withProject } from "../project.js";
import { remoteFromEnv, remoteOrLocal } from "../remote.js";

/** slipway pipeline run | history | show: the pipelines the controller runs, by hand and on record. */
export function registerPipelineCommands(program: Command): void {
  const pipeline = program.command("pipeline").description("pipelines: plan, build, test, push and deploy for a commit, per environment");

  pipeline
    .command("run")
    .description("run now, in this process, the pipelines a new commit on SOURCE's branch starts (what `slipway serve` does on a push)")
    .argument("<source>", "a source of slipway.yml")
    .option("-b, --branch <branch>", "the branch (default: the source's own)")
    .option("--json", "print the runs as JSON")
    .action(async (source: string, options: { branch?: string; json?: boolean }, command: Command) => {
      const remote = remoteFromEnv();
      if (remote !== undefined) {
        // The controller queues the runs (coalesced with what it already has) and answers at once.
        const queued = await remote.call<{ source: string; branch: string; queued: { environment: string; outcome: string }[] }>("POST", "/api/v1/pipelines", {
          source,
          ...(options.branch === undefined ? {} : { branch: options.branch }),
        });
        if (options.json) printJson(queued);
        else
          for (const q of queued.queued)
            process.stdout.write(
              `${q.environment}: ${q.outcome} on ${remote.url} (${queued.source}@${queued.branch}); follow with: slipway pipeline history --env ${q.environment}\n`,
            );
        if (queued.queued.length === 0) process.stdout.write(`no pipeline runs for ${queued.source}@${queued.branch}\n`);
        return;
      }
      const [{ runPipeline }, { pipelinesFor }, { pipelineNotice }] = await Promise.all([
        import("../../controller/pipeline.js"),
        import("../../controller/pipeline-targets.js"),
        import("../../app/index.js"),
      ]);
      await withProject(command, async (project) => {
        const { config } = project.loaded;
        const declared = config.sources[source];
        if (declared === undefined) {
          throw new SlipwayError("CONFIG_INVALID", `there is no source "${source}" in slipway.yml`, {
            hint: `sources: ${Object.keys(config.sources).join(", ") || "none"}`,
          });
        }
        const branch = options.branch ?? declared.branch;
        const targets = pipelinesFor(config, source, branch);
        if (targets.length === 0) {
          throw new SlipwayError(
            "USAGE",
            `no pipeline runs for ${source}@${branch}: no environment binds branch ${branch} and it is not the source's own branch (${declared.branch})`,
            {
              hint: "bind it under environments.<name>.branches, or pass --branch",
            },
          );
        }
        const engine = await project.engine();
        const runs: PipelineRunRecord[] = [];
        for (const target of targets) {
          const run = await runPipeline(
            {
              loaded: project.loaded,
              stateDir: project.stateDir,
              store: project.store(),
              engine,
              // Each environment's services deploy on its own engine (docker_host); builds run here.
              engineFor: (environment, host) => project.engine(environment, host),
              log: (fields, message) => process.stderr.write(`${message}${fields.service === undefined ? "" : ` (${String(fields.service)})`}\n`),
              notify: (event) => project.notify(event),
              // What the controller notifies (builds, deployments, rollbacks), delivered before the command exits.
              onEvent: (event) => {
                const notice = pipelineNotice(event);
                if (notice !== undefined) project.notify(notice);
              },
            },
            { ...target, source, branch, trigger: "cli" },
            new AbortController().signal,
          ).catch((error: unknown) => {
            if (error instanceof WorkCancelled) throw new SlipwayError("INTERNAL", error.message);
            throw error;
          });
          runs.push(run);
        }
        if (options.json) printJson(runs);
        else for (const run of runs) process.stdout.write(renderRun(toWire(run), toWire(await project.store().listPipelineSteps(run.id))));
        const failed = runs.find((run) => run.status !== "succeeded");
        if (failed !== undefined)
          throw new SlipwayError("DEPLOY_FAILED", `pipeline run ${failed.id} (${failed.environment}) ${failed.status}: ${failed.error ?? ""}`, {
            hint: `slipway pipeline show ${failed.id}`,
          });
      });
    });

  pipeline
    .command("history")
    .description("recent pipeline runs, newest first")
    .option("-e, --env <environment>", "only this environment")
    .option("-n, --limit <n>", "how many", "20")
    .option("--json", "print as JSON")
    .action(async (options: { env?: string; limit: string; json?: boolean }, command: Command) => {
      const limit = Number(options.limit) || 20;
      const query = `?limit=${limit}${options.env === undefined ? "" : `&environment=${encodeURIComponent(options.env)}`}`;
      await remoteOrLocal(
        command,
        (remote) => remote.call<Wire<PipelineRunRecord>[]>("GET", `/api/v1/pipelines${query}`),
        async (context) => toWire(await context.store.listPipelineRuns({ ...(options.env === undefined ? {} : { environment: options.env }), limit })),
      ).then((runs) => {
        if (options.json) {
          printJson(runs);
          return;
        }
        if (runs.length === 0) process.stdout.write("no pipeline runs yet\n");
        for (const run of runs) process.stdout.write(`${runLine(run)}\n`);
      });
    });

  pipeline
    .command("show")
    .description("one pipeline run with its steps")
    .argument("<id>", "the run's number")
    .option("--json", "print as JSON")
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const { run, steps } = await remoteOrLocal(
        command,
        (remote) => remote.call<{ run: Wire<PipelineRunRecord>; steps: Wire<PipelineStep>[] }>("GET", `/api/v1/pipelines/${encodeURIComponent(id)}`),
        async (context) => {
          const found = await context.store.getPipelineRun(Number(id));
          if (found === undefined)
            throw new SlipwayError("PIPELINE_NOT_FOUND", `there is no pipeline run ${id}`, { hint: "slipway pipeline history lists them" });
          return { run: toWire(found), steps: toWire(await context.store.listPipelineSteps(found.id)) };
        },
      );
      if (options.json) printJson({ ...run, steps });
      else process.stdout.write(renderRun(run, steps));
    });
}
