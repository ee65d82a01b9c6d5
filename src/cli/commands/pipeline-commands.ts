import type { Command } from "commander";
import { runPipeline } from "../../controller/pipeline.js";
import { pipelinesFor } from "../../controller/pipeline-targets.js";
import { WorkCancelled } from "../../controller/work-queue.js";
import { SlipwayError } from "../../errors/index.js";
import type { PipelineRunRecord, PipelineStep } from "../../store/index.js";
import { printJson } from "../context.js";
import { formatDuration } from "../progress.js";
import { withProject } from "../project.js";

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
      await withProject(command, async (project) => {
        const { config } = project.loaded;
        const declared = config.sources[source];
        if (declared === undefined) {
          throw new SlipwayError("CONFIG_INVALID", `there is no source "${source}" in slipway.yml`, { hint: `sources: ${Object.keys(config.sources).join(", ") || "none"}` });
        }
        const branch = options.branch ?? declared.branch;
        const targets = pipelinesFor(config, source, branch);
        if (targets.length === 0) {
          throw new SlipwayError("USAGE", `no pipeline runs for ${source}@${branch}: no environment binds branch ${branch} and it is not the source's own branch (${declared.branch})`, {
            hint: "bind it under environments.<name>.branches, or pass --branch",
          });
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
              log: (fields, message) => process.stderr.write(`${message}${fields.service === undefined ? "" : ` (${String(fields.service)})`}\n`),
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
        else for (const run of runs) process.stdout.write(renderRun(run, await project.store().listPipelineSteps(run.id)));
        const failed = runs.find((run) => run.status !== "succeeded");
        if (failed !== undefined) throw new SlipwayError("DEPLOY_FAILED", `pipeline run ${failed.id} (${failed.environment}) ${failed.status}: ${failed.error ?? ""}`, { hint: `slipway pipeline show ${failed.id}` });
      });
    });

  pipeline
    .command("history")
    .description("recent pipeline runs, newest first")
    .option("-e, --env <environment>", "only this environment")
    .option("-n, --limit <n>", "how many", "20")
    .option("--json", "print as JSON")
    .action(async (options: { env?: string; limit: string; json?: boolean }, command: Command) => {
      await withProject(command, async (project) => {
        const runs = await project.store().listPipelineRuns({ ...(options.env === undefined ? {} : { environment: options.env }), limit: Number(options.limit) || 20 });
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
      await withProject(command, async (project) => {
        const run = await project.store().getPipelineRun(Number(id));
        if (run === undefined) throw new SlipwayError("USAGE", `there is no pipeline run ${id}`, { hint: "slipway pipeline history lists them" });
        const steps = await project.store().listPipelineSteps(run.id);
        if (options.json) printJson({ ...run, steps });
        else process.stdout.write(renderRun(run, steps));
      });
    });
}

function runLine(run: PipelineRunRecord): string {
  const took = run.finishedAt === undefined ? "running" : formatDuration(run.finishedAt.getTime() - run.startedAt.getTime());
  return `#${run.id}  ${run.environment}  ${run.source}@${run.branch} ${run.commit.slice(0, 7)}  ${run.status} (${took})  ${run.trigger}  ${run.startedAt.toISOString()}`;
}

function renderRun(run: PipelineRunRecord, steps: readonly PipelineStep[]): string {
  const lines = [runLine(run)];
  for (const step of steps) {
    const took = step.finishedAt === undefined ? "" : ` ${formatDuration(step.finishedAt.getTime() - step.startedAt.getTime())}`;
    lines.push(`    ${step.name}: ${step.status}${took}${step.error === undefined ? "" : ` — ${step.error}`}`);
  }
  if (run.error !== undefined) lines.push(`    ${run.error}`);
  return `${lines.join("\n")}\n`;
}
