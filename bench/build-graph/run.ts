import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { openBenchContext } from "./bench-context.js";
import { formatMs, table, type Summary } from "./measure.js";
import { benchParallelJobs, WORK_SECONDS, type ParallelResult } from "./parallel-jobs.js";
import { benchPlan500, type Plan500Result } from "./plan-500.js";
import { benchRebuildCounts, DATA_TEAM_IMAGES, type RebuildResult } from "./rebuild-counts.js";

/**
 * Slipway's build-graph benchmark (see README.md beside this file):
 *   (a) planning a 500-image graph over 100 unchanged sources,
 *   (b) images rebuilt per change of examples/data-team against the seed's rule,
 *   (c) a two-branch graph built with --jobs 2 against --jobs 1.
 * usage: node dist/bench/build-graph/run.js [--only a,b,c] [--runs 5] [--json FILE]
 */
const { values } = parseArgs({
  options: {
    only: { type: "string", default: "a,b,c" },
    runs: { type: "string", default: "5" },
    json: { type: "string" },
  },
});
const parts = new Set((values.only ?? "a,b,c").split(",").map((p) => p.trim()));
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs expects a whole number of at least 1, got ${values.runs}`);

const log = (line: string): void => console.error(`  . ${line}`);
const started = new Date();
console.log(`# Slipway build-graph benchmark, ${started.toISOString()}`);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

const context = await openBenchContext();
const results: { plan500?: Plan500Result; rebuilds?: RebuildResult; parallel?: ParallelResult } = {};
try {
  if (parts.has("a")) {
    results.plan500 = await benchPlan500(context, runs, log);
    printPlan500(results.plan500);
  }
  if (parts.has("b")) {
    results.rebuilds = await benchRebuildCounts(context, log);
    printRebuilds(results.rebuilds);
  }
  if (parts.has("c")) {
    results.parallel = await benchParallelJobs(context, log);
    printParallel(results.parallel);
  }
} finally {
  await context.close();
}
console.log(
  `\nload average at end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}; took ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`,
);
if (values.json !== undefined)
  writeFileSync(values.json, `${JSON.stringify({ date: started.toISOString(), cores: cpus().length, node: process.version, ...results }, null, 2)}\n`);

function printPlan500(r: Plan500Result): void {
  const last = r.runs.at(-1);
  console.log(`\n## (a) planning ${r.images} images over ${r.sources} unchanged sources (${r.wall.runs} runs, a new session each)\n`);
  console.log(
    table(
      ["figure", "value"],
      [
        ["wall time, median (min - max)", spread(r.wall)],
        ["git ls-remote / fetch / clone", `${last?.git.lsRemote ?? "?"} / ${last?.git.fetch ?? "?"} / ${last?.git.clone ?? "?"}`],
        ["local git commands (log, cat-file in the mirrors)", `${last?.git.other ?? "?"}`],
        [
          "registry requests (by method)",
          `${last?.registryRequests ?? "?"} (${Object.entries(last?.registryByMethod ?? {})
            .map(([m, n]) => `${m} ${n}`)
            .join(", ")})`,
        ],
        [
          "latency of one ls-remote / manifest HEAD / local git, median",
          `${formatMs(r.latency.lsRemoteMs.median)} / ${formatMs(r.latency.headMs.median)} / ${formatMs(r.latency.localGitMs.median)}`,
        ],
        ["beyond the ls-remote and HEAD round trips, median (min - max)", spread(r.beyondNetwork)],
        ["  of which local git commands (count x latency), median (min - max)", spread(r.localGitEstimate)],
        ["CPU per plan: Slipway's process / the git processes it ran, median", `${formatMs(r.cpu.selfMs.median)} / ${formatMs(r.cpu.gitMs.median)}`],
        ["images pulled (engine pull events) / engine images changed", `${r.engine.pullEvents} / ${r.engine.unchanged ? "no" : "yes"}`],
        ["first plan, empty mirror cache (clones)", `${formatMs(r.firstPlan.ms)} (${r.firstPlan.git.clone} clones, ${r.firstPlan.git.lsRemote} ls-remote)`],
      ],
    ),
  );
  console.log("\nper run (latencies probed just before each plan):\n");
  console.log(
    table(
      ["run", "wall", "ls-remote", "HEAD", "local git", "beyond round trips", "local git x count", "CPU Slipway / git"],
      r.runs.map((run, i) => {
        const l = run.latency ?? { lsRemoteMs: 0, headMs: 0, localGitMs: 0 };
        const beyond = run.ms - run.git.lsRemote * l.lsRemoteMs - (run.registryByMethod.HEAD ?? 0) * l.headMs;
        return [
          String(i + 1),
          formatMs(run.ms),
          formatMs(l.lsRemoteMs),
          formatMs(l.headMs),
          formatMs(l.localGitMs),
          formatMs(beyond),
          formatMs(run.git.other * l.localGitMs),
          run.cpu ? `${formatMs(run.cpu.selfMs)} / ${formatMs(run.cpu.childrenMs)}` : "-",
        ];
      }),
    ),
  );
}

function spread(s: Summary): string {
  return `${formatMs(s.median)} (${formatMs(s.min)} - ${formatMs(s.max)})`;
}

function printRebuilds(r: RebuildResult): void {
  console.log(`\n## (b) images rebuilt per change of examples/data-team (${DATA_TEAM_IMAGES.length} images)\n`);
  console.log(`initial build: ${r.initial.length} built (${r.initial.join(", ")})\n`);
  console.log(
    table(
      ["change", "Slipway", "seed rule", "Slipway rebuilt"],
      r.rows.map((row) => [row.change, String(row.slipway.length), String(row.seed.length), row.slipway.join(", ") || "nothing"]),
    ),
  );
  const slipway = r.rows.reduce((n, row) => n + row.slipway.length, 0);
  const seed = r.rows.reduce((n, row) => n + row.seed.length, 0);
  console.log(`\ntotal over the ${r.rows.length} changes: Slipway ${slipway}, seed rule ${seed}`);
}

function printParallel(r: ParallelResult): void {
  console.log(`\n## (c) two independent branches of two images (RUN sleep ${WORK_SECONDS} each, --no-cache, no push)\n`);
  console.log(
    table(
      ["jobs", "wall time", "built"],
      r.runs.map((run) => [String(run.jobs), formatMs(run.ms), String(run.built)]),
    ),
  );
  console.log(`\nmean jobs 1: ${formatMs(r.jobs1Ms)}, mean jobs 2: ${formatMs(r.jobs2Ms)}, ratio jobs2/jobs1: ${r.ratio.toFixed(2)}`);
}
