import type { Command } from "commander";
import type { BuildReportJson, LatestImage, OutcomeJson, PlanJson } from "../../app/index.js";
import { SlipwayError } from "../../errors/index.js";
import { printJson } from "../context.js";
import { createProgressRenderer, formatDuration, type TaskProgress } from "../progress.js";
import { remoteError, remoteOrLocal, type RemoteClient } from "../remote.js";

/** What a build returns, here or from the controller: the plan, the report, and the error to exit with. */
interface BuildAnswer {
  readonly plan: PlanJson;
  readonly report: BuildReportJson;
  readonly failure?: SlipwayError;
}

/**
 * slipway plan | build | images latest: the image graph. With SLIPWAY_URL set they ask the
 * controller there and print its answer the same way (a remote build shows no live progress).
 */
export function registerBuildCommands(program: Command): void {
  program
    .command("plan")
    .description("show which images must be rebuilt, and why, without building anything")
    .argument("[image...]", "images to plan (default: all); the images they are built on are planned too")
    .option("--env <environment>", "plan with the environment's Dockerfile variants (Dockerfile.<env>)")
    .option("--json", "print the plan as JSON")
    .action(async (images: string[], options: { env?: string; json?: boolean }, command: Command) => {
      const { planImages } = await import("../../app/plan.js");
      const plan = await remoteOrLocal(
        command,
        (remote) => {
          const query = new URLSearchParams({ images: images.join(",") });
          if (options.env !== undefined) query.set("env", options.env);
          return remote.call<PlanJson>("GET", `/api/v1/plan?${query.toString()}`);
        },
        (context) => planImages(context, { images, ...(options.env === undefined ? {} : { env: options.env }) }),
      );
      if (options.json) printJson(plan);
      else process.stdout.write(renderPlan(plan));
      if (!options.json) for (const warning of plan.warnings ?? []) process.stderr.write(`${renderWarning(warning)}\n`);
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
    .action(
      async (images: string[], options: { push?: boolean; jobs: string; cache: boolean; force?: boolean; env?: string; json?: boolean }, command: Command) => {
        const { buildImages } = await import("../../app/build.js");
        const jobs = Number(options.jobs);
        if (!Number.isInteger(jobs) || jobs < 1) throw new SlipwayError("USAGE", `--jobs must be a whole number of at least 1, not "${options.jobs}"`);
        const input = {
          images,
          push: options.push === true,
          force: options.force === true,
          jobs,
          noCache: !options.cache,
          ...(options.env === undefined ? {} : { env: options.env }),
        };
        const answer = await remoteOrLocal(
          command,
          async (remote) => {
            const built = await remoteBuild(remote, input);
            if (!options.json) process.stdout.write(renderPlan(built.plan));
            return built;
          },
          (context) => {
            const renderer = createProgressRenderer(process.stderr, { quiet: options.json === true });
            const tasks = new Map<string, TaskProgress>();
            return buildImages(context, input, {
              onPlan: (plan) => {
                if (!options.json) process.stdout.write(renderPlan(plan));
              },
              onStart: (image) => tasks.set(image, renderer.task(image, "building")),
              onProgress: (image, event) => tasks.get(image)?.event(event),
              onNote: (image, text) => tasks.get(image)?.note(text),
              onOutcome: (outcome) => tasks.get(outcome.image)?.done(outcomeLine(outcome)),
            });
          },
        );
        const nothingToBuild = answer.plan.toBuild.length === 0;
        if (options.json) printJson(answer.report);
        else if (!nothingToBuild) process.stdout.write(renderReport(answer.report.outcomes, answer.report.durationMs ?? 0));
        if (!options.json && answer.report.tagged !== undefined) process.stdout.write(`Tagged for ${options.env ?? ""}: ${answer.report.tagged.join(", ")}\n`);
        if (answer.failure !== undefined) throw answer.failure;
      },
    );

  const imagesCommand = program.command("images").description("images in the registry");
  imagesCommand
    .command("latest")
    .description("the newest tag of an image in the registry, by its tag scheme (never by push time)")
    .argument("<name>", "an image of slipway.yml, or a repository (registry/path)")
    .option("--env <environment>", "that environment's newest build (its environment tag)")
    .option("--json", "print the reference, tag and digest as JSON")
    .action(async (name: string, options: { json?: boolean; env?: string }, command: Command) => {
      const { latestImage } = await import("../../app/images.js");
      const query = options.env === undefined ? "" : `?environment=${encodeURIComponent(options.env)}`;
      const latest = await remoteOrLocal(
        command,
        (remote) => remote.call<LatestImage>("GET", `/api/v1/images/${encodeURIComponent(name)}/latest${query}`),
        (context) => latestImage(context, name, options.env),
      );
      if (options.json) printJson(latest);
      else process.stdout.write(`${latest.reference}${latest.digest === undefined || latest.reference.includes("@") ? "" : `  ${latest.digest}`}\n`);
    });
}

/** POST /api/v1/builds: the report also when the build failed (the answer then carries the error too). */
async function remoteBuild(
  remote: RemoteClient,
  input: { images: string[]; push: boolean; force: boolean; jobs: number; noCache: boolean; env?: string },
): Promise<BuildAnswer> {
  const path = "/api/v1/builds";
  const answer = await remote.request("POST", path, input);
  const body = answer.body as (BuildReportJson & { plan?: PlanJson; error?: unknown }) | undefined;
  if (body?.plan === undefined || !Array.isArray(body.outcomes)) throw remoteError(answer, remote.url, path);
  const report: BuildReportJson = {
    ok: body.ok,
    ...(body.durationMs === undefined ? {} : { durationMs: body.durationMs }),
    outcomes: body.outcomes,
    ...(Array.isArray(body.tagged) ? { tagged: body.tagged } : {}),
  };
  return { plan: body.plan, report, ...(answer.status >= 300 ? { failure: remoteError(answer, remote.url, path) } : {}) };
}

export function renderPlan(plan: PlanJson): string {
  const lines: string[] = [];
  for (const entry of plan.images) {
    if (entry.action === "up-to-date") {
      lines.push(`  ${entry.image}: up to date (${entry.digest.slice(0, 19)})`);
      continue;
    }
    lines.push(`  ${entry.image}: rebuild`);
    for (const reason of entry.reasons) lines.push(`      - ${reason.text}`);
  }
  const head =
    plan.toBuild.length === 0 ? "Nothing to rebuild." : `${plan.toBuild.length} of ${plan.images.length} images to rebuild: ${plan.toBuild.join(", ")}`;
  return `${head}\n${lines.join("\n")}\n`;
}

/** "warning: my-docker:app/Dockerfile:2: FROM ${PARENT_IMAGE} uses ...; set `parent_arg: ...`" (validate and plan print them so). */
export function renderWarning(warning: NonNullable<PlanJson["warnings"]>[number]): string {
  return `warning: ${warning.file}${warning.line === undefined ? "" : `:${warning.line}`}: ${warning.message}; ${warning.fix}`;
}

function outcomeLine(outcome: OutcomeJson): string {
  switch (outcome.outcome) {
    case "built":
      return `${outcome.image}: built ${outcome.reference}${outcome.digest === undefined ? "" : ` (${outcome.digest.slice(0, 19)})`} in ${formatDuration(outcome.durationMs)}`;
    case "failed":
      return `${outcome.image}: FAILED after ${formatDuration(outcome.durationMs)}`;
    case "skipped":
      return `${outcome.image}: skipped (${outcome.because})`;
    case "up-to-date":
      return `${outcome.image}: up to date`;
  }
}

function renderReport(outcomes: readonly OutcomeJson[], durationMs: number): string {
  const count = (kind: OutcomeJson["outcome"]): number => outcomes.filter((o) => o.outcome === kind).length;
  const lines = outcomes.filter((o) => o.outcome !== "up-to-date").map((o) => `  ${outcomeLine(o)}`);
  return `${lines.join("\n")}\nbuilt ${count("built")}, failed ${count("failed")}, skipped ${count("skipped")}, up to date ${count("up-to-date")} in ${formatDuration(durationMs)}\n`;
}
