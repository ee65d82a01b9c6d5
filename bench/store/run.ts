import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { openStore, secretKeySource, type Store } from "../../src/store/index.js";
import { startPostgres } from "../../test/harness/postgres.js";
import { freePort } from "../../test/harness/registry.js";
import { median, ms, table } from "../rollout/stats.js";

/**
 * The store benchmark (README.md beside this file): webhooks accepted per second by one
 * `slipway serve` on SQLite, and by one and by two on PostgreSQL; and the planning read of
 * 1 000 services (each one's current revision, its spec unsealed) by one and by two controllers
 * at once, on each store. Every figure is the median of the rounds.
 * usage: node dist/bench/store/run.js [--rounds 3] [--deliveries 1000] [--services 1000] [--concurrency 16] [--json FILE]
 */
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    deliveries: { type: "string", default: "1000" },
    services: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "16" },
    json: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const deliveries = Number(values.deliveries);
const services = Number(values.services);
const concurrency = Number(values.concurrency);
for (const [name, value] of Object.entries({ rounds, deliveries, services, concurrency }))
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} expects a whole number of at least 1`);

const root = fileURLToPath(new URL("../../..", import.meta.url));
const bin = join(root, "bin", "slipway.js");
const SECRET = "bench-github-secret";
const KEY = "ef".repeat(32);
const run = promisify(execFile);
const commit = (await run("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).catch(() => ({ stdout: "unknown" }))).stdout.trim();
console.log(`# Slipway store benchmark, ${new Date().toISOString()}, commit ${commit}`);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(`${deliveries} GitHub push deliveries, ${concurrency} at a time; planning ${services} services; ${rounds} rounds\n`);

const work = mkdtempSync(join(tmpdir(), "slipway-bench-store-"));
const postgres = await startPostgres({ durable: true });
const children: ChildProcess[] = [];
const cleanup = async (): Promise<void> => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  await sleep(500);
  await postgres.stop();
  rmSync(work, { recursive: true, force: true });
};

type Setup = { store: "sqlite" | "postgres"; controllers: 1 | 2 };
const setups: Setup[] = [
  { store: "sqlite", controllers: 1 },
  { store: "postgres", controllers: 1 },
  { store: "postgres", controllers: 2 },
];
const accepted: Record<string, number[]> = {};
const latencyP95: Record<string, number[]> = {};
const drained: Record<string, number[]> = {};
const planned: Record<string, number[]> = {};
const label = (setup: Setup): string =>
  `${setup.store === "sqlite" ? "SQLite" : "PostgreSQL"}, ${setup.controllers} controller${setup.controllers === 1 ? "" : "s"}`;

try {
  for (let round = 1; round <= rounds; round += 1) {
    for (const setup of setups) {
      const name = label(setup);
      const result = await webhookRound(setup, round);
      (accepted[name] ??= []).push(result.perSecond);
      (latencyP95[name] ??= []).push(result.p95);
      if (result.drainedMs !== undefined) (drained[name] ??= []).push(result.drainedMs);
      (planned[name] ??= []).push(await planRound(setup, round));
      console.error(`  . round ${round} ${name}: ${result.perSecond.toFixed(0)} accepted/s, p95 ${ms(result.p95)}, plan ${ms(planned[name]?.at(-1) ?? NaN)}`);
    }
  }
} finally {
  await cleanup();
}

console.log(
  table(
    ["store, controllers", "webhooks accepted per second", "p95 answer", "all acted on (inbox drained) after the last answer", `planning ${services} services`],
    setups.map((setup) => {
      const name = label(setup);
      return [
        name,
        (median(accepted[name] ?? []) || 0).toFixed(0),
        ms(median(latencyP95[name] ?? [])),
        setup.store === "sqlite" ? "at once (no inbox)" : ms(median(drained[name] ?? [])),
        ms(median(planned[name] ?? [])),
      ];
    }),
  ),
);
if (values.json !== undefined)
  writeFileSync(values.json, JSON.stringify({ commit, deliveries, services, concurrency, rounds, accepted, latencyP95, drained, planned }, null, 2));

/** A fresh store at `setup` for one round: its URL and state directory. */
async function freshStore(setup: Setup, round: number, what: string): Promise<{ url: string; stateDir: string }> {
  const stateDir = mkdtempSync(join(work, `${what}-${round}-`));
  const url = setup.store === "sqlite" ? `sqlite:${join(stateDir, "slipway.db")}` : await postgres.createDatabase();
  return { url, stateDir };
}

async function webhookRound(setup: Setup, round: number): Promise<{ perSecond: number; p95: number; drainedMs?: number }> {
  const { url, stateDir } = await freshStore(setup, round, "hooks");
  const config = join(stateDir, "slipway.yml");
  writeFileSync(
    config,
    [
      "sources: { app: { repo: https://git.example.com/team/app.git, branch: main } }",
      "controller:",
      "  watch_interval: 1h",
      `  webhooks: { github: { secret: ${SECRET} } }`,
      "",
    ].join("\n"),
  );
  const env = { ...process.env, SLIPWAY_STORE: url, SLIPWAY_SECRET_KEY: KEY };
  const urls: string[] = [];
  const started: ChildProcess[] = [];
  for (let n = 0; n < setup.controllers; n += 1) {
    const port = await freePort();
    const log = openSync(join(stateDir, `serve-${n}.log`), "a");
    const child = spawn(
      process.execPath,
      [bin, "-c", config, "--state-dir", stateDir, "serve", "--listen", `127.0.0.1:${port}`, "--dashboard", "off", "--log-level", "warn"],
      {
        stdio: ["ignore", log, log],
        env,
      },
    );
    children.push(child);
    started.push(child);
    urls.push(`http://127.0.0.1:${port}`);
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true, 30_000);
  }
  // A push to a branch nothing binds: every delivery is verified and recorded (and, on PostgreSQL, queued and acted on by the leader), no pipeline runs.
  const latencies: number[] = [];
  let sent = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < deliveries) {
        const n = sent++;
        const body = JSON.stringify({
          ref: "refs/heads/bench",
          after: (n + 1).toString(16).padStart(40, "0"), // never all zeros: GitHub's mark of a deleted branch
          deleted: false,
          repository: { clone_url: "https://git.example.com/team/app.git" },
        });
        const t = performance.now();
        const response = await fetch(`${urls[n % urls.length]}/hooks/github`, {
          method: "POST",
          body,
          headers: {
            "content-type": "application/json",
            "x-github-event": "push",
            "x-github-delivery": `bench-${round}-${n}`,
            "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
          },
        });
        await response.text();
        if (response.status !== 202) {
          const logs = readdirSync(stateDir)
            .filter((f) => f.startsWith("serve-"))
            .map((f) => readFileSync(join(stateDir, f), "utf8").slice(-3000));
          throw new Error(`${label(setup)}: delivery ${n} answered ${response.status}\n${logs.join("\n")}`);
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const answeredMs = performance.now() - begin;
  let drainedMs: number | undefined;
  if (setup.store === "postgres") {
    const store = openStore({ stateDir, url, keys: secretKeySource({ stateDir, env: { SLIPWAY_SECRET_KEY: KEY } }) });
    await waitUntil(async () => (await store.listInbox({ status: "done", limit: deliveries + 1 })).length === deliveries, 120_000).catch(
      async (error: unknown) => {
        const all = await store.listInbox({ limit: deliveries + 1 });
        throw new Error(`the inbox was not drained: ${all.length} items, ${all.filter((i) => i.status === "done").length} done: ${String(error)}`);
      },
    );
    drainedMs = performance.now() - begin - answeredMs;
    await store.close();
  }
  for (const child of started) child.kill("SIGTERM");
  await Promise.all(started.map((child) => new Promise((resolve) => (child.exitCode === null ? child.on("exit", resolve) : resolve(undefined)))));
  latencies.sort((a, b) => a - b);
  return {
    perSecond: deliveries / (answeredMs / 1000),
    p95: latencies[Math.floor(latencies.length * 0.95)] ?? NaN,
    ...(drainedMs === undefined ? {} : { drainedMs }),
  };
}

async function planRound(setup: Setup, round: number): Promise<number> {
  const { url, stateDir } = await freshStore(setup, round, "plan");
  const store = openStore({ stateDir, url, keys: secretKeySource({ stateDir, env: { SLIPWAY_SECRET_KEY: KEY } }) });
  await fill(store);
  await store.close();
  const worker = join(root, "dist", "bench", "store", "plan-worker.js");
  const times = await Promise.all(
    Array.from({ length: setup.controllers }, async () => {
      const { stdout } = await run(process.execPath, [worker, url, stateDir, String(services)], { env: { ...process.env, SLIPWAY_SECRET_KEY: KEY } });
      return Number(stdout.trim());
    }),
  );
  return Math.max(...times);
}

/** `services` services, each with two revisions (specs sealed) and one succeeded deployment of the second. */
async function fill(store: Store): Promise<void> {
  for (let n = 0; n < services; n += 1) {
    const service = `svc-${n}`;
    const spec = {
      image: `registry.example.com/team/${service}:1`,
      env: { MODE: "prod", DATABASE_URL: "postgres://app:pw@db/app" },
      replicas: 2,
      ports: [{ target: 8080 }],
    };
    await store.saveRevision({ service, environment: "prod", image: spec.image, spec, specHash: `h${n}-1` });
    const second = await store.saveRevision({ service, environment: "prod", image: spec.image.replace(":1", ":2"), spec, specHash: `h${n}-2` });
    const deployment = await store.startDeployment({
      service,
      environment: "prod",
      toRevision: second.revision,
      fromRevision: 1,
      strategy: "blue-green",
      trigger: "cli",
      holder: "bench",
    });
    await store.finishDeployment(deployment.id, { status: "succeeded" });
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms`);
}
