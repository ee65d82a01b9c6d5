import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { netnsUnavailable } from "../../test/harness/netns-engine.js";
import { exec } from "../rollout/docker-cli.js";
import { median, ms, table } from "../rollout/stats.js";
import { runFleetIteration, TIMEOUT_MS, type FleetIteration } from "./iteration.js";
import type { FleetMethod } from "./method.js";
import { scriptMethod } from "./script-method.js";
import { slipwayMethod } from "./slipway-method.js";
import { startFleetWorld } from "./world.js";

/**
 * Slipway's several-hosts benchmark (see README.md beside this file): v1 -> v2 of one
 * blue-green service on three netns hosts under load, by `slipway deploy --env fleet`, by the
 * same on one host (its time times three is the naive expectation), and by a hand-written
 * host-by-host script, each measured in every round, in a rotating order.
 * usage: node dist/bench/fleet/run.js [--runs 3] [--only slipway,one-host,script] [--clients 2] [--drain 300] [--json FILE]
 */
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    only: { type: "string", default: "slipway,one-host,script" },
    clients: { type: "string", default: "2" },
    drain: { type: "string", default: "300" },
    json: { type: "string" },
  },
});
const runs = Number(values.runs);
const clients = Number(values.clients);
const drainMs = Number(values.drain);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs expects a whole number of at least 1, got ${values.runs}`);
if (!Number.isInteger(clients) || clients < 1 || clients > 16) throw new Error(`--clients expects 1..16 per host, got ${values.clients}`);
if (!Number.isInteger(drainMs) || drainMs < 0 || drainMs > 5000) throw new Error(`--drain expects 0..5000 ms, got ${values.drain}`);
const only = new Set((values.only ?? "").split(",").map((p) => p.trim()));
const unavailable = netnsUnavailable();
if (unavailable !== undefined) throw new Error(`bench/fleet ${unavailable}`);
const log = (line: string): void => console.error(`  . ${line}`);
const loadNow = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const started = new Date();
const commit = await exec("git", ["rev-parse", "--short", "HEAD"], { cwd: fileURLToPath(new URL("../../..", import.meta.url)) }).catch(() => "unknown");
const loadAtStart = loadNow();
console.log(`# Slipway several-hosts benchmark, ${started.toISOString()}, commit ${commit}`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, load average at start ${loadAtStart}`);
console.log(`load: ${clients} closed-loop clients per host, ${TIMEOUT_MS} ms timeout each; drain ${drainMs} ms; ${runs} rounds`);

const world = await startFleetWorld({ drainMs, log });
const results: FleetIteration[] = [];
const failures: { method: string; round: number; error: string }[] = [];
const methods: FleetMethod[] = [];
try {
  const fleet = slipwayMethod(world, "fleet");
  const one = slipwayMethod(world, "one");
  const script = scriptMethod(world, drainMs);
  // v1 everywhere first (not timed): Slipway's first deploy also builds and starts its proxy on each host, whose image the script's Caddy uses.
  for (const method of [fleet, one]) {
    log(`${method.id}: first deploy of v1`);
    await method.deploy("v1");
  }
  await script.start();
  await script.deploy("v1");
  methods.push(...[fleet, one, script].filter((m) => only.has(m.id)));
  for (let round = 1; round <= runs; round += 1) {
    const order = methods.map((_, index) => methods[(index + round - 1) % methods.length]).filter((m): m is FleetMethod => m !== undefined);
    for (const method of order) {
      try {
        const result = await runFleetIteration(world, method, round, clients);
        results.push(result);
        log(
          `round ${round} ${method.id}: ${result.failed}/${result.requests} failed, only v2 on all after ${ms(result.onlyNewAllMs)} (${result.hosts.map((h) => `${h.host} ${ms(h.onlyNewMs)}`).join(", ")}), tool ${ms(result.toolMs)}${result.untilRecordMs === undefined ? "" : `, deployment record after ${ms(result.untilRecordMs)}`}${errorsOf(result)}`,
        );
      } catch (error) {
        failures.push({ method: method.id, round, error: String(error) });
        log(`round ${round} ${method.id}: ERROR ${String(error)}`);
      }
    }
  }
} finally {
  for (const method of methods) await method.close().catch((error: unknown) => log(`closing ${method.id}: ${String(error)}`));
  await world.stop();
}

printResults();
for (const method of methods) printSteps(method);
const loadAtEnd = loadNow();
console.log(`\nload average at end ${loadAtEnd}; took ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
if (values.json !== undefined) {
  writeFileSync(
    values.json,
    `${JSON.stringify({ date: started.toISOString(), commit, cores: cpus().length, node: process.version, loadAtStart, loadAtEnd, clients, drainMs, results, failures }, null, 2)}\n`,
  );
}

function errorsOf(result: FleetIteration): string {
  const errors = [...new Set(result.hosts.flatMap((h) => h.errors.map((e) => `${h.host}: ${e}`)))];
  return errors.length === 0 ? "" : ` ${errors.slice(0, 3).join("; ")}`;
}

function spread(values: readonly number[]): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return "n/a";
  return `**${ms(median(finite))}** / ${ms(Math.min(...finite))} / ${ms(Math.max(...finite))}`;
}

function printResults(): void {
  console.log(`\n## v1 -> v2 under load on the hosts\n`);
  const rows = methods.map((m) => {
    const mine = results.filter((r) => r.method === m.id);
    const errors = failures.filter((f) => f.method === m.id).length;
    const failed = mine.map((r) => r.failed);
    const perHost = m.hosts.map((_, index) => ms(median(mine.map((r) => r.hosts[index]?.onlyNewMs ?? Number.NaN))));
    return [
      m.label,
      `${mine.length}${errors > 0 ? ` (+${errors} errors)` : ""}`,
      `${failed.join(", ")} (${failed.reduce((a, b) => a + b, 0)} of ${mine.reduce((a, r) => a + r.requests, 0)})`,
      spread(mine.map((r) => r.onlyNewAllMs)),
      perHost.join(" / "),
      spread(mine.map((r) => r.toolMs)),
    ];
  });
  console.log(
    table(
      [
        "method",
        "runs",
        "failed requests per run (total)",
        "only v2 on all its hosts after: median / min / max",
        "each host's only v2 after (median, a / b / c)",
        "tool returned: median / min / max",
      ],
      rows,
    ),
  );
  const onlyOf = (id: string): number => median(results.filter((r) => r.method === id).map((r) => r.onlyNewAllMs));
  const toolOf = (id: string): number => median(results.filter((r) => r.method === id).map((r) => r.toolMs));
  const [fleet, one, script] = [onlyOf("slipway"), onlyOf("one-host"), onlyOf("script")];
  console.log("");
  if (Number.isFinite(one)) console.log(`one host x 3: only v2 ${ms(3 * one)}, tool returned ${ms(3 * toolOf("one-host"))}`);
  if (Number.isFinite(fleet) && Number.isFinite(one)) console.log(`slipway on three hosts / (one host x 3), only v2: ${(fleet / (3 * one)).toFixed(2)}x`);
  if (Number.isFinite(fleet) && Number.isFinite(script)) console.log(`slipway on three hosts / the script, only v2: ${(fleet / script).toFixed(2)}x`);
}

/** Where a Slipway rollout spends its time, from its recorded steps: the median of each step on each host over the rounds. */
function printSteps(method: FleetMethod): void {
  const mine = results.filter((r) => r.method === method.id && r.steps !== undefined);
  if (mine.length === 0) return;
  const hostsOf = [...new Set(mine.flatMap((r) => (r.steps ?? []).flatMap((s) => (s.name.includes(":") ? [s.name.split(":")[0] ?? ""] : []))))];
  const kinds = [...new Set(mine.flatMap((r) => (r.steps ?? []).flatMap((s) => (s.name.includes(":") ? [s.name.slice(s.name.indexOf(":") + 1)] : []))))];
  const took = (host: string, kind: string): string => ms(median(mine.map((r) => r.steps?.find((s) => s.name === `${host}:${kind}`)?.tookMs ?? Number.NaN)));
  const span = (host: string): string =>
    ms(
      median(
        mine.map((r) => {
          const own = (r.steps ?? []).filter((s) => s.name.startsWith(`${host}:`));
          return own.length === 0 ? Number.NaN : Math.max(...own.map((s) => s.atMs + s.tookMs)) - Math.min(...own.map((s) => s.atMs));
        }),
      ),
    );
  console.log(`\n### ${method.id}: recorded steps (median over ${mine.length} rounds)\n`);
  console.log(`from t0 to the deployment record (start-up, config, engines, proxies, pulls): ${ms(median(mine.map((r) => r.untilRecordMs ?? Number.NaN)))}\n`);
  console.log(
    table(
      ["step", ...hostsOf],
      [...kinds.map((kind) => [kind, ...hostsOf.map((host) => took(host, kind))]), ["the host, first step to last", ...hostsOf.map(span)]],
    ),
  );
}
