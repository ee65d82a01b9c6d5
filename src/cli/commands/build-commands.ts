import type { Command } from "commander";
import { openBuildSession } from "../../build/session.js";
import type { ImageOutcome } from "../../build/execute.js";
import { SlipwayError, formatError } from "../../errors/index.js";
import { describeReason, type Plan } from "../../graph/plan.js";
import { newestInRegistry } from "../../images/index.js";
import { normalizeReference } from "../../reference/index.js";
import { printJson } from "../context.js";
import { createProgressRenderer, formatDuration, type TaskProgress } from "../progress.js";
import { withProject } from "../project.js";

/** slipway plan | build | images latest: the image graph. */
export function registerBuildCommands(program: Command): void {
  program
    .command("plan")
    .description("show which images must be rebuilt, and why, without building anything")
    .argument("[image...]", "images to plan (default: all); the images they are built on are planned too")
    .option("--env <environment>", "plan with the environment's Dockerfile variants (Dockerfile.<env>)")
    .option("--json", "print the plan as JSON")
    .action(async (images: string[], options: { env?: string; json?: boolean }, command: Command) => {
      await withProject(command, async (project) => {
        const session = openBuildSession({ config: project.loaded.config, configDir: project.loaded.dir, stateDir: project.stateDir, store: project.store(), ...(options.env === undefined ? {} : { env: options.env }) });
        const plan = await session.plan(images);
        if (options.json) printJson(planJson(plan));
        else process.stdout.write(renderPlan(plan));
      });
    });

  program
    .command("build")
    .description("build the images the plan says must be rebuilt, in dependency order, testing each")
    .argument("[image...]", "images to build (default: all)")
    .option("--push", "push each image after its tests pass (the fingerprint tag last)")
    .option("-j, --jobs <n>", "how many independent images to build at once", "2")
    .option("--no-cache", "build without the engine's layer cache")
    .option("--force", "rebuild the named images even when up to date")
    .option("--env <environment>", "build with the environment's Dockerfile variants (Dockerfile.<env>)")
    .option("--json", "print the outcome of each image as JSON")
    .action(async (images: string[], options: { push?: boolean; jobs: string; cache: boolean; force?: boolean; env?: string; json?: boolean }, command: Command) => {
      const jobs = Number(options.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw new SlipwayError("USAGE", `--jobs must be a whole number of at least 1, not "${options.jobs}"`);
      await withProject(command, async (project) => {
        const session = openBuildSession({ config: project.loaded.config, configDir: project.loaded.dir, stateDir: project.stateDir, store: project.store(), ...(options.env === undefined ? {} : { env: options.env }) });
        const plan = await session.plan(images, { force: options.force === true });
        if (!options.json) process.stdout.write(renderPlan(plan));
        if (plan.toBuild.length === 0) {
          if (options.json) printJson({ ok: true, outcomes: [] });
          return;
        }
        const engine = await project.engine();
        const renderer = createProgressRenderer(process.stderr, { quiet: options.json === true });
        const tasks = new Map<string, TaskProgress>();
        const report = await session.build(plan, engine, {
          jobs,
          push: options.push === true,
          noCache: !options.cache,
          onStart: (image) => tasks.set(image, renderer.task(image, "building")),
          onProgress: (image, event) => tasks.get(image)?.event(event),
          onNote: (image, text) => tasks.get(image)?.note(text),
          onOutcome: (outcome) => tasks.get(outcome.image)?.done(outcomeLine(outcome)),
        });
        if (options.json) printJson({ ok: report.ok, durationMs: report.durationMs, outcomes: report.outcomes.map(outcomeJson) });
        else process.stdout.write(renderReport(report.outcomes, report.durationMs));
        const failed = report.outcomes.find((o): o is Extract<ImageOutcome, { outcome: "failed" }> => o.outcome === "failed");
        if (failed !== undefined) {
          if (failed.error instanceof SlipwayError) throw failed.error;
          throw new SlipwayError("BUILD_FAILED", `${failed.image} failed: ${failed.error instanceof Error ? failed.error.message : String(failed.error)}`);
        }
      });
    });

  const imagesCommand = program.command("images").description("images in the registry");
  imagesCommand
    .command("latest")
    .description("the newest tag of an image in the registry, by its tag scheme (never by push time)")
    .argument("<name>", "an image of slipway.yml, or a repository (registry/path)")
    .option("--json", "print the reference, tag and digest as JSON")
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      await withProject(command, async (project) => {
        const session = openBuildSession({ config: project.loaded.config, configDir: project.loaded.dir, stateDir: project.stateDir, store: project.store() });
        const target = session.targets.get(name);
        const repository = target?.repository ?? name;
        const scheme = target?.tagScheme ?? "timestamp";
        const client = session.registries.client(normalizeReference(repository).domain);
        const { tag, digest } = await newestInRegistry(client, repository, scheme);
        if (options.json) printJson({ image: name, repository, tag, reference: `${repository}:${tag}`, digest });
        else process.stdout.write(`${repository}:${tag}${digest === undefined ? "" : `  ${digest}`}\n`);
      });
    });
}

export function renderPlan(plan: Plan): string {
  const lines: string[] = [];
  for (const entry of plan.entries) {
    if (entry.action === "up-to-date") {
      lines.push(`  ${entry.image}: up to date (${entry.digest.slice(0, 19)})`);
      continue;
    }
    lines.push(`  ${entry.image}: rebuild`);
    for (const reason of entry.reasons) lines.push(`      - ${describeReason(reason)}`);
  }
  const head = plan.toBuild.length === 0 ? "Nothing to rebuild." : `${plan.toBuild.length} of ${plan.entries.length} images to rebuild: ${plan.toBuild.join(", ")}`;
  return `${head}\n${lines.join("\n")}\n`;
}

function planJson(plan: Plan): unknown {
  return {
    toBuild: plan.toBuild,
    images: plan.entries.map((entry) =>
      entry.action === "up-to-date"
        ? { image: entry.image, action: entry.action, fingerprint: entry.fingerprint, digest: entry.digest }
        : { image: entry.image, action: entry.action, reasons: entry.reasons.map((r) => ({ ...r, text: describeReason(r) })), ...(entry.fingerprint === undefined ? {} : { fingerprint: entry.fingerprint }) },
    ),
  };
}

function outcomeLine(outcome: ImageOutcome): string {
  switch (outcome.outcome) {
    case "built":
      return `${outcome.image}: built ${outcome.built.reference}${outcome.built.digest === undefined ? "" : ` (${outcome.built.digest.slice(0, 19)})`} in ${formatDuration(outcome.durationMs)}`;
    case "failed":
      return `${outcome.image}: FAILED after ${formatDuration(outcome.durationMs)}`;
    case "skipped":
      return `${outcome.image}: skipped (${outcome.because})`;
    case "up-to-date":
      return `${outcome.image}: up to date`;
  }
}

function renderReport(outcomes: readonly ImageOutcome[], durationMs: number): string {
  const count = (kind: ImageOutcome["outcome"]): number => outcomes.filter((o) => o.outcome === kind).length;
  const lines = outcomes.filter((o) => o.outcome !== "up-to-date").map((o) => `  ${outcomeLine(o)}`);
  return `${lines.join("\n")}\nbuilt ${count("built")}, failed ${count("failed")}, skipped ${count("skipped")}, up to date ${count("up-to-date")} in ${formatDuration(durationMs)}\n`;
}

function outcomeJson(outcome: ImageOutcome): unknown {
  switch (outcome.outcome) {
    case "built":
      return { image: outcome.image, outcome: "built", tag: outcome.built.tag, reference: outcome.built.reference, digest: outcome.built.digest, fingerprint: outcome.built.fingerprint, durationMs: outcome.durationMs };
    case "failed":
      return { image: outcome.image, outcome: "failed", error: formatError(outcome.error, { debug: false }), durationMs: outcome.durationMs };
    default:
      return outcome;
  }
}
