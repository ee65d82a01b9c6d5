import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openBuildSession } from "../../src/builder/session.js";
import { parseConfigText, type Config } from "../../src/config/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import type { BenchContext } from "./bench-context.js";
import { mean, timed } from "./measure.js";

/** Each build's fixed work: a RUN step that sleeps this long. */
export const WORK_SECONDS = 3;
const IMAGES = ["a1", "a2", "b1", "b2"] as const;
/** jobs per build, in order: ABBA, so neither setting always runs first. */
const ORDER = [1, 2, 2, 1] as const;

export interface JobsRun {
  readonly jobs: number;
  readonly ms: number;
  readonly built: number;
}

export interface ParallelResult {
  readonly runs: readonly JobsRun[];
  readonly jobs1Ms: number;
  readonly jobs2Ms: number;
  /** jobs 2 wall time / jobs 1 wall time (means). */
  readonly ratio: number;
}

/**
 * Part (c): a graph of two independent branches (a1 -> a2, b1 -> b2) with local contexts,
 * each build a `RUN sleep 3` on the busybox base, built with --no-cache and no push, with
 * jobs 1 and jobs 2 in the same run.
 */
export async function benchParallelJobs(context: BenchContext, log: (line: string) => void): Promise<ParallelResult> {
  const dir = join(context.root, "parallel");
  for (const image of IMAGES) {
    mkdirSync(join(dir, image), { recursive: true });
    writeFileSync(join(dir, image, "Dockerfile"), `ARG PARENT\nFROM \${PARENT}\nRUN sleep ${WORK_SECONDS} && echo ${image} > /built\n`);
  }
  const text = [
    `registry: ${context.registry.host}/parallel`,
    "images:",
    `  a1: { context: ./a1, from: "${context.base}" }`,
    "  a2: { context: ./a2, from: a1 }",
    `  b1: { context: ./b1, from: "${context.base}" }`,
    "  b2: { context: ./b2, from: b1 }",
    "",
  ].join("\n");
  writeFileSync(join(dir, "slipway.yml"), text);
  const { config } = parseConfigText(text, { path: join(dir, "slipway.yml"), dir });
  const stateDir = join(dir, "state");
  const store = openStore({ stateDir });
  try {
    const runs: JobsRun[] = [];
    for (const jobs of ORDER) {
      const result = await buildAll(context, config, dir, stateDir, store, jobs);
      log(`two branches, jobs ${jobs}: ${(result.ms / 1000).toFixed(2)} s (${result.built} images built)`);
      runs.push(result);
    }
    const jobs1Ms = mean(runs.filter((r) => r.jobs === 1).map((r) => r.ms));
    const jobs2Ms = mean(runs.filter((r) => r.jobs === 2).map((r) => r.ms));
    return { runs, jobs1Ms, jobs2Ms, ratio: jobs2Ms / jobs1Ms };
  } finally {
    await store.close();
  }
}

async function buildAll(context: BenchContext, config: Config, dir: string, stateDir: string, store: Store, jobs: number): Promise<JobsRun> {
  const session = openBuildSession({ config, configDir: dir, stateDir, store });
  const plan = await session.plan([]);
  if (plan.toBuild.length !== IMAGES.length) throw new Error(`expected to build ${IMAGES.length} images, the plan has ${plan.toBuild.join(", ")}`);
  const { ms, value: report } = await timed(() => session.build(plan, context.engine, { jobs, push: false, noCache: true }));
  if (!report.ok) throw new Error(`the two-branch build failed with jobs ${jobs}`);
  return { jobs, ms, built: report.outcomes.filter((o) => o.outcome === "built").length };
}
