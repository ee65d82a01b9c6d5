import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { ensureListenerMigration, startDeployWorld } from "../../test/harness/deploy.js";
import { ensureEngine } from "../../test/harness/engine.js";
import { cleanupTestRun } from "../../test/harness/labels.js";
import { freePort } from "../../test/integration/proxy/helpers.js";
import { mean, median, ms, percentile, table } from "./figures.js";
import { modeName, startLatencyWorld, type Mode } from "./latency-world.js";
import { measurePollCost, type CycleFigures, type PollCostResult } from "./poll-cost.js";
import { runRound, type RoundResult } from "./push-round.js";
import type { LogEntry } from "./log-capture.js";
import type { Timeline } from "./timeline.js";

/**
 * Slipway's controller latency benchmark (see README.md beside this file):
 *   notify: registry push -> the new version answering, through the registry's notification,
 *   poll:   the same with the tag poller every T seconds (no notification),
 *   cost:   one poll cycle over 100 watched tags: requests, bytes, CPU time.
 * Each latency round measures the physical floor (pull + start + first answer) first.
 * usage: node dist/bench/latency/run.js [--runs 10] [--intervals 2,5] [--only notify,poll,cost]
 *          [--layer-kib 1024] [--tags 100] [--cost-runs 5] [--pull-tags 20] [--json FILE]
 */
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "10" },
    intervals: { type: "string", default: "2,5" },
    only: { type: "string", default: "notify,poll,cost" },
    "layer-kib": { type: "string", default: "1024" },
    tags: { type: "string", default: "100" },
    "cost-runs": { type: "string", default: "5" },
    "pull-tags": { type: "string", default: "20" },
    json: { type: "string" },
  },
});
const runs = wholeNumber("runs", 1);
const layerKib = wholeNumber("layer-kib", 1);
const tags = wholeNumber("tags", 1);
const costRuns = wholeNumber("cost-runs", 1);
const pullTags = Math.min(wholeNumber("pull-tags", 0), tags);
const intervals = (values.intervals ?? "")
  .split(",")
  .filter((s) => s.trim() !== "")
  .map(Number);
if (intervals.some((s) => !(s >= 1))) throw new Error(`--intervals expects seconds of at least 1, comma-separated, got ${values.intervals}`);
const only = new Set((values.only ?? "").split(",").map((p) => p.trim()));
const modes: Mode[] = [
  ...(only.has("notify") ? [{ kind: "notify" } as const] : []),
  ...(only.has("poll") ? intervals.map((s) => ({ kind: "poll", intervalMs: s * 1000 }) as const) : []),
];
const log = (line: string): void => console.error(`  . ${line}`);

const started = new Date();
const uptimeStart = uptime();
console.log(`# Slipway controller latency benchmark, ${started.toISOString()}`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}; at start: ${uptimeStart}`);
console.log(`${runs} rounds per mode; every image has a ${layerKib} KiB layer of its own; the poll cost over ${tags} tags, ${costRuns} passes`);
try {
  log(ensureListenerMigration());
} catch (error) {
  log(`${String(error)} (a Caddy reload may reset a queued connection; latency is measured all the same)`);
}

const engine = await ensureEngine();
const results: RoundResult[] = [];
const failures: { mode: string; round: number; error: string }[] = [];
let pollCost: PollCostResult | undefined;
const deploy = modes.length > 0 ? await startDeployWorld(engine, await freePort()) : undefined;
try {
  for (const mode of modes) {
    if (deploy === undefined) break;
    const world = await startLatencyWorld({ engine, deploy, mode, rounds: runs, layerKib, log });
    try {
      for (let round = 1; round <= runs; round += 1) {
        try {
          const result = await runRound(engine, deploy.store, world, round);
          results.push(result);
          log(
            `${modeName(mode)} round ${round}: answering after ${ms(result.latencyMs)} (floor ${ms(result.floor.totalMs)}: pull ${ms(result.floor.pullMs)}, start ${ms(result.floor.startMs)}, answer ${ms(result.floor.answerMs)}; over it ${ms(result.overFloorMs)}); ${describe(result.timeline)}; checks: ${result.checks.map((c) => `${c.trigger} at ${ms(c.at)} ${c.status} ${c.digest.slice(7, 15)}`).join(", ")}`,
          );
        } catch (error) {
          failures.push({ mode: modeName(mode), round, error: String(error) });
          log(`${modeName(mode)} round ${round}: ERROR ${String(error)}`);
          for (const line of recentLog(world.log, 150_000)) log(`  controller: ${line}`);
        }
      }
    } finally {
      await world.stop();
    }
  }
  if (only.has("cost")) pollCost = await measurePollCost(engine, { tags, runs: costRuns, pullTags, log });
} finally {
  await deploy?.stop();
  await cleanupTestRun(engine);
}

const uptimeEnd = uptime();
if (modes.length > 0) printLatency();
if (pollCost !== undefined) printPollCost(pollCost);
console.log(`\nat end: ${uptimeEnd}; took ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
if (values.json !== undefined) {
  const machine = { cores: cpus().length, model: cpus()[0]?.model ?? "unknown", node: process.version };
  const settings = { runs, intervalsSeconds: intervals, layerKib, tags, costRuns, pullTags, healthInterval: "200ms", drain: "300ms", clientPollMs: 10 };
  writeFileSync(
    values.json,
    `${JSON.stringify({ date: started.toISOString(), machine, uptimeStart, uptimeEnd, loadavgEnd: loadavg(), settings, summary: summaries(), rounds: results, failures, pollCostSummary: pollCost === undefined ? undefined : cycleSummaries(pollCost), pollCost }, null, 2)}\n`,
  );
}

function wholeNumber(name: keyof typeof values, least: number): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < least) throw new Error(`--${name} expects a whole number of at least ${least}, got ${String(values[name])}`);
  return n;
}

function uptime(): string {
  try {
    return execFileSync("uptime", [], { encoding: "utf8" }).trim();
  } catch {
    return `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`;
  }
}

/** The controller's own messages of the last `windowMs` (not Fastify's request lines), for a failed round. */
function recentLog(entries: readonly LogEntry[], windowMs: number): string[] {
  const since = Date.now() - windowMs;
  return entries
    .filter((e) => e.time >= since && e.msg !== "incoming request" && e.msg !== "request completed" && !e.msg.endsWith(": push, 0 hint(s)"))
    .slice(-40)
    .map((e) => `${new Date(e.time).toISOString().slice(11, 23)} ${e.msg}${e.status === undefined ? "" : ` (${String(e.status)})`}`);
}

function describe(t: Timeline): string {
  const marks: (keyof Timeline)[] = ["noticed", "pulled", "created", "started", "healthy", "switched", "done"];
  return marks.map((m) => `${m} ${ms(t[m] ?? Number.NaN)}`).join(", ");
}

/** Per mode: the medians and means the docs quote. */
function summaries(): Record<string, unknown>[] {
  return modes.map((mode) => {
    const mine = results.filter((r) => r.mode === modeName(mode));
    const latency = mine.map((r) => r.latencyMs);
    const over = mine.map((r) => r.overFloorMs);
    const floors = mine.map((r) => r.floor.totalMs);
    return {
      mode: modeName(mode),
      rounds: mine.length,
      failedRounds: failures.filter((f) => f.mode === modeName(mode)).length,
      floor: {
        median: median(floors),
        p90: percentile(floors, 90),
        pullMedian: median(mine.map((r) => r.floor.pullMs)),
        startMedian: median(mine.map((r) => r.floor.startMs)),
        answerMedian: median(mine.map((r) => r.floor.answerMs)),
      },
      latency: { median: median(latency), p90: percentile(latency, 90), mean: mean(latency), min: Math.min(...latency), max: Math.max(...latency) },
      overFloor: { median: median(over), p90: percentile(over, 90), mean: mean(over) },
      expectedOverFloor: mode.kind === "poll" ? `about ${mode.intervalMs / 2000} s (T/2)` : "within 1 s",
      /** From t0 until the controller noticed (notification in, or the poller saw the digest): the mean is what T/2 predicts. */
      noticed: { median: median(mine.map((r) => r.timeline.noticed ?? Number.NaN)), mean: mean(mine.map((r) => r.timeline.noticed ?? Number.NaN)) },
      failedRequests: mine.reduce((n, r) => n + r.failedRequests, 0),
      timelineMedians: timelineMedians(mine),
    };
  });
}

function timelineMedians(rounds: readonly RoundResult[]): Record<string, number> {
  const marks: (keyof Timeline)[] = ["noticed", "pulled", "created", "started", "healthy", "switched", "done"];
  return Object.fromEntries(marks.map((m) => [m, median(rounds.map((r) => r.timeline[m] ?? Number.NaN))]));
}

function printLatency(): void {
  console.log(`\n## Registry push -> the new version answering through Caddy\n`);
  console.log(
    "t0: the manifest PUT of the watched tag returned; the client polls the service's published port every 10 ms. Floor: pull by digest (image absent) + create + start + first answer, same round.\n",
  );
  const rows = summaries().map((s) => {
    const floor = s.floor as { median: number; pullMedian: number; startMedian: number; answerMedian: number };
    const latency = s.latency as { median: number; p90: number; mean: number };
    const over = s.overFloor as { median: number; mean: number };
    const noticed = s.noticed as { median: number; mean: number };
    return [
      String(s.mode),
      `${String(s.rounds)}${Number(s.failedRounds) > 0 ? ` (+${String(s.failedRounds)} failed)` : ""}`,
      `${ms(floor.median)} (${ms(floor.pullMedian)} + ${ms(floor.startMedian)} + ${ms(floor.answerMedian)})`,
      `${ms(latency.median)} / ${ms(latency.p90)} / ${ms(latency.mean)}`,
      `${ms(over.median)} / ${ms(over.mean)}`,
      String(s.expectedOverFloor),
      `${ms(noticed.median)} / ${ms(noticed.mean)}`,
      String(s.failedRequests),
    ];
  });
  console.log(
    table(
      [
        "mode",
        "rounds",
        "floor median (pull + start + answer)",
        "push -> answering median / p90 / mean",
        "over the floor median / mean",
        "expected over the floor",
        "noticed after t0 median / mean",
        "failed client requests",
      ],
      rows,
    ),
  );
  console.log(`\n### Where the time went (medians, ms after t0)\n`);
  const marks: (keyof Timeline)[] = ["noticed", "pulled", "created", "started", "healthy", "switched"];
  const timeRows = modes.map((mode) => {
    const mine = results.filter((r) => r.mode === modeName(mode));
    const medians = timelineMedians(mine);
    return [modeName(mode), ...marks.map((m) => ms(medians[m] ?? Number.NaN)), ms(median(mine.map((r) => r.latencyMs))), ms(medians.done ?? Number.NaN)];
  });
  console.log(
    table(
      [
        "mode",
        "noticed (webhook in / poll saw it)",
        "digest re-read + pulled",
        "created",
        "started",
        "healthy",
        "switched",
        "client got it",
        "check ended (after drain)",
      ],
      timeRows,
    ),
  );
}

/** Medians per cycle of `cost.tags` tags (a pass over fewer tags is scaled up); cpuMs undefined for work done in dockerd. */
interface CycleSummary {
  readonly label: string;
  readonly measuredTags: number;
  readonly requests: number;
  readonly byMethod?: Readonly<Record<string, number>>;
  readonly connections: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly bytesPerTag: number;
  readonly cpuMs?: number;
  readonly wallMs: number;
}

function cycleSummaries(cost: PollCostResult): CycleSummary[] {
  const summary = (label: string, passes: readonly CycleFigures[]): CycleSummary[] => {
    const first = passes[0];
    if (first === undefined) return [];
    const scale = cost.tags / first.tags;
    const m = (f: (p: CycleFigures) => number): number => median(passes.map(f)) * scale;
    const bytesUp = m((p) => p.wire.bytesUp);
    const bytesDown = m((p) => p.wire.bytesDown);
    const cpu = passes.every((p) => p.cpuMs !== undefined) ? { cpuMs: m((p) => p.cpuMs ?? 0) } : {};
    const byMethod = first.byMethod === undefined ? {} : { byMethod: first.byMethod };
    return [
      {
        label,
        measuredTags: first.tags,
        requests: m((p) => p.wire.requests),
        ...byMethod,
        connections: m((p) => p.wire.connections),
        bytesUp,
        bytesDown,
        bytesPerTag: (bytesUp + bytesDown) / cost.tags,
        ...cpu,
        wallMs: m((p) => p.wallMs),
      },
    ];
  };
  return [
    ...summary("Slipway tag pollers (HEAD + watch_state)", cost.poller),
    ...summary("HEAD only (same client, no store)", cost.head),
    ...summary("GET manifest instead (same client)", cost.getManifest),
    ...summary("docker pull of each unchanged tag", cost.dockerPull),
  ];
}

function printPollCost(cost: PollCostResult): void {
  console.log(`\n## One poll cycle over ${cost.tags} watched tags (median of ${cost.runs} passes)\n`);
  const rows = cycleSummaries(cost).map((c) => [
    c.measuredTags === cost.tags ? c.label : `${c.label} (measured over ${c.measuredTags} tags, x${(cost.tags / c.measuredTags).toFixed(0)})`,
    c.byMethod === undefined ? c.requests.toFixed(0) : `${c.requests.toFixed(0)} (${JSON.stringify(c.byMethod).replaceAll('"', "")})`,
    c.connections.toFixed(0),
    kib(c.bytesUp),
    kib(c.bytesDown),
    `${c.bytesPerTag.toFixed(0)} B`,
    c.cpuMs === undefined ? "in dockerd" : `${c.cpuMs.toFixed(1)} ms (${((c.cpuMs * 1000) / cost.tags).toFixed(0)} us/tag)`,
    ms(c.wallMs),
  ]);
  console.log(
    table(
      [
        "per cycle",
        "HTTP requests on the wire (Slipway's client's own count by method)",
        "TCP connections",
        "bytes up",
        "bytes down",
        "bytes per tag",
        "CPU (user + system)",
        "wall",
      ],
      rows,
    ),
  );
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
