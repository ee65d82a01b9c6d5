import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { buildWebImages, ensureListenerMigration, startDeployWorld } from "../../test/harness/deploy.js";
import { ensureEngine } from "../../test/harness/engine.js";
import { cleanupTestRun } from "../../test/harness/labels.js";
import { freePort } from "../../test/integration/proxy/helpers.js";
import { composeMethod } from "./compose-method.js";
import { measureFloor, measureFloorUnderLoad } from "./floor.js";
import { CLIENTS, runIteration, TIMEOUT_MS, type IterationResult } from "./iteration.js";
import { manualMethod } from "./manual-method.js";
import type { Images, Method } from "./method.js";
import { blueGreenMethod, rollingMethod } from "./slipway-methods.js";
import { scriptMethod } from "./script-method.js";
import { cliMethod } from "./cli-method.js";
import { median, ms, percentile, table } from "./stats.js";
import { measureThroughput, type ThroughputResult } from "./throughput.js";

/**
 * Slipway's rollout benchmark (see README.md beside this file): v1 -> v2 under 8 closed-loop
 * clients (1 s timeout) for each method, `--runs` rounds, each round also measuring the
 * physical floor; then wrk direct against through the proxy.
 * usage: node dist/bench/rollout/run.js [--runs 20] [--only blue-green,rolling,manual,compose,wrk]
 *          [--drain 500] [--health-interval MS] [--json FILE]
 */
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    only: { type: "string", default: "blue-green,rolling,manual,compose,script,cli,wrk" },
    drain: { type: "string", default: "500" },
    "health-interval": { type: "string" },
    "wrk-seconds": { type: "string", default: "5" },
    json: { type: "string" },
  },
});
const runs = Number(values.runs);
const drainMs = Number(values.drain);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs expects a whole number of at least 1, got ${values.runs}`);
if (!Number.isInteger(drainMs) || drainMs < 0 || drainMs > 1000) throw new Error(`--drain expects 0..1000 ms, got ${values.drain}`);
const healthIntervalMs = values["health-interval"] === undefined ? undefined : Number(values["health-interval"]);
if (healthIntervalMs !== undefined && !(healthIntervalMs >= 10))
  throw new Error(`--health-interval expects ms (at least 10), got ${values["health-interval"]}`);
const slipwayOptions = healthIntervalMs === undefined ? { drainMs } : { drainMs, healthIntervalMs };
const only = new Set((values.only ?? "").split(",").map((p) => p.trim()));
const log = (line: string): void => console.error(`  . ${line}`);

const started = new Date();
console.log(`# Slipway rollout benchmark, ${started.toISOString()}`);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(`load: ${CLIENTS} closed-loop clients, ${TIMEOUT_MS} ms timeout each, on loopback; ${runs} rounds`);
log(ensureListenerMigration());

const engine = await ensureEngine();
const world = await startDeployWorld(engine, await freePort());
const results: IterationResult[] = [];
const failures: { method: string; round: number; error: string }[] = [];
const floors: number[] = [];
/** The floor of a method's shape: as many containers started at once as it starts (rolling: 2). */
const shapedFloors = new Map<number, number[]>();
/** The same, under the methods' load. */
const shapedLoadedFloors = new Map<number, number[]>();
const loadedFloors: number[] = [];
let throughput: ThroughputResult | undefined;
const methods: Method[] = [];
try {
  const built = await buildWebImages(engine, ["v1", "v2"]);
  const images: Images = { v1: built.v1 ?? "", v2: built.v2 ?? "" };
  const all = [
    blueGreenMethod(world, images, slipwayOptions),
    rollingMethod(world, images, slipwayOptions),
    manualMethod(images),
    composeMethod(images),
    scriptMethod(images, world.adminAddress, drainMs),
    cliMethod(images, world.adminAddress, slipwayOptions),
  ];
  methods.push(...all.filter((m) => only.has(m.id)));
  for (let round = 1; round <= runs && methods.length > 0; round += 1) {
    floors.push(await measureFloor(engine, images.v2, "v2"));
    for (const count of new Set(methods.map((m) => m.containers ?? 1).filter((n) => n > 1))) {
      shapedFloors.set(count, [...(shapedFloors.get(count) ?? []), await measureFloor(engine, images.v2, "v2", count)]);
    }
    // The same floor under the same load as the methods: 8 clients on the first method's v1.
    const first = methods[0];
    if (first !== undefined) {
      const url = await first.serveV1();
      loadedFloors.push(await measureFloorUnderLoad(engine, images.v2, "v2", url));
      for (const count of new Set(methods.map((m) => m.containers ?? 1).filter((n) => n > 1))) {
        shapedLoadedFloors.set(count, [...(shapedLoadedFloors.get(count) ?? []), await measureFloorUnderLoad(engine, images.v2, "v2", url, count)]);
      }
    }
    for (const method of methods) {
      try {
        const result = await runIteration(method);
        results.push(result);
        log(
          `round ${round} ${method.id}: ${result.failed}/${result.requests} failed, gap ${ms(result.longestGapMs)}, only v2 after ${ms(result.onlyNewMs)} (floor ${ms(floors.at(-1) ?? Number.NaN)}, under load ${ms(loadedFloors.at(-1) ?? Number.NaN)})${result.errors.length > 0 ? ` ${result.errors.join("; ")}` : ""}`,
        );
      } catch (error) {
        failures.push({ method: method.id, round, error: String(error) });
        log(`round ${round} ${method.id}: ERROR ${String(error)}`);
      }
    }
  }
  if (only.has("wrk")) throughput = await measureThroughput(world, images.v2, { seconds: Number(values["wrk-seconds"]), connections: CLIENTS, rounds: 3 });
} finally {
  for (const method of methods) await method.close().catch((error: unknown) => log(`closing ${method.id}: ${String(error)}`));
  await world.stop();
  await cleanupTestRun(engine);
}

printRollouts();
if (throughput !== undefined) printThroughput(throughput);
console.log(
  `\nload average at end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}; took ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`,
);
if (values.json !== undefined) {
  writeFileSync(
    values.json,
    `${JSON.stringify({ date: started.toISOString(), cores: cpus().length, node: process.version, drainMs, healthIntervalMs, floors, shapedFloors: Object.fromEntries(shapedFloors), shapedLoadedFloors: Object.fromEntries(shapedLoadedFloors), loadedFloors, results, failures, throughput }, null, 2)}\n`,
  );
}

function printRollouts(): void {
  const floor = median(floors);
  const loadedFloor = median(loadedFloors);
  console.log(`\n## v1 -> v2 under load\n`);
  console.log(
    `floor (inspect local image + create + start + first v2 answer, engine API): median ${ms(floor)}, p90 ${ms(percentile(floors, 90))}, ${floors.length} runs`,
  );
  for (const [count, list] of shapedFloors)
    console.log(
      `floor of ${count} containers started at once (each answering v2): median ${ms(median(list))}, p90 ${ms(percentile(list, 90))}, ${list.length} runs`,
    );
  for (const [count, list] of shapedLoadedFloors)
    console.log(
      `floor of ${count} containers started at once, under the methods' load: median ${ms(median(list))}, p90 ${ms(percentile(list, 90))}, ${list.length} runs`,
    );
  console.log(
    `the same floor under the methods' load (8 clients on the first method's v1): median ${ms(loadedFloor)}, p90 ${ms(percentile(loadedFloors, 90))}, ${loadedFloors.length} runs\n`,
  );
  const rows = methods.map((m) => {
    const mine = results.filter((r) => r.method === m.id);
    const only = mine.map((r) => r.onlyNewMs);
    const failed = mine.map((r) => r.failed);
    const gaps = mine.map((r) => r.longestGapMs);
    return [
      m.label,
      `${mine.length}${failures.some((f) => f.method === m.id) ? ` (+${failures.filter((f) => f.method === m.id).length} errors)` : ""}`,
      `${failed.reduce((a, b) => a + b, 0)} of ${mine.reduce((a, r) => a + r.requests, 0)}`,
      String(Math.max(0, ...failed)),
      `${failed.filter((f) => f > 0).length}`,
      `${ms(median(gaps))} / ${ms(Math.max(0, ...gaps))}`,
      `${ms(median(only))} / ${ms(percentile(only, 90))}`,
      ms(median(mine.map((r) => r.toolMs))),
      `${(median(only) / floor).toFixed(2)}x`,
      (m.containers ?? 1) === 1 ? "same" : `${(median(only) / median(shapedFloors.get(m.containers ?? 1) ?? [])).toFixed(2)}x`,
      `${(median(only) / loadedFloor).toFixed(2)}x`,
      `${(median(only) / ((m.containers ?? 1) === 1 ? loadedFloor : median(shapedLoadedFloors.get(m.containers ?? 1) ?? []))).toFixed(2)}x`,
    ];
  });
  console.log(
    table(
      [
        "method",
        "runs",
        "failed requests (total)",
        "max per run",
        "runs with failures",
        "longest gap median / max",
        "only v2 after median / p90",
        "tool returned (median)",
        "ratio to floor (medians)",
        "ratio to the floor of its shape",
        "ratio to floor under load",
        "ratio to the floor of its shape under load",
      ],
      rows,
    ),
  );
}

function printThroughput(t: ThroughputResult): void {
  console.log(`\n## proxy cost: wrk -t 2 -c ${t.connections} -d ${t.seconds}s, ${t.rounds.length} alternating rounds\n`);
  const rows = t.rounds.flatMap((r, i) =>
    [r.direct, r.proxied].map((f) => [
      `${i + 1}`,
      f.target,
      f.requestsPerSecond.toFixed(0),
      `${f.latencyAvgMs.toFixed(2)} ms`,
      `${f.latencyP50Ms.toFixed(2)} ms`,
      `${f.latencyP99Ms.toFixed(2)} ms`,
      f.errors,
    ]),
  );
  console.log(table(["round", "target", "requests/s", "latency avg", "p50", "p99", "errors"], rows));
  const direct = median(t.rounds.map((r) => r.direct.requestsPerSecond));
  const proxied = median(t.rounds.map((r) => r.proxied.requestsPerSecond));
  console.log(`\nmedian requests/s: direct ${direct.toFixed(0)}, through Caddy ${proxied.toFixed(0)} (${((1 - proxied / direct) * 100).toFixed(1)} % fewer)`);
}
