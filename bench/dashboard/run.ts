import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { openStore, secretKeySource, type Store } from "../../src/store/index.js";
import { freePort } from "../../test/harness/registry.js";
import { median, ms, percentile, table } from "../rollout/stats.js";

/**
 * The dashboard benchmark (README.md beside this file): a store of 200 services and 10 000
 * deployments behind one `slipway serve` process. Measured: how long the overview and a
 * service's page take to render (the HTTP answer on loopback, p50 and p95); how long after a
 * write an open page's event stream says so, for a write by the controller itself and by
 * another process; and the controller's memory when idle, with and without the dashboard.
 * usage: node dist/bench/dashboard/run.js [--services 200] [--deployments 10000] [--requests 200] [--events 40] [--json FILE]
 */
const { values } = parseArgs({
  options: {
    services: { type: "string", default: "200" },
    deployments: { type: "string", default: "10000" },
    requests: { type: "string", default: "200" },
    events: { type: "string", default: "40" },
    json: { type: "string" },
  },
});
const services = Number(values.services);
const deployments = Number(values.deployments);
const requests = Number(values.requests);
const events = Number(values.events);
for (const [name, value] of Object.entries({ services, deployments, requests, events }))
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} expects a whole number of at least 1`);

const root = fileURLToPath(new URL("../../..", import.meta.url));
const bin = join(root, "bin", "slipway.js");
const KEY = "ab".repeat(32);
const STEPS = ["pull", "create", "start", "health", "switch", "settle", "switch-final", "drain", "stop-old", "remove-old"];
const run = promisify(execFile);
const commit = (await run("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).catch(() => ({ stdout: "unknown" }))).stdout.trim();
console.log(`# Slipway dashboard benchmark, ${new Date().toISOString()}, commit ${commit}`);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(`${services} services, ${deployments} deployments (${STEPS.length} steps each); ${requests} requests per page; ${events} events per kind\n`);

const work = mkdtempSync(join(tmpdir(), "slipway-bench-dashboard-"));
const stateDir = join(work, "state");
const children: ChildProcess[] = [];
const cleanup = async (): Promise<void> => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  await sleep(500);
  rmSync(work, { recursive: true, force: true });
};

try {
  writeFileSync(join(work, "slipway.yml"), projectYaml(services));
  const seedStarted = Date.now();
  const token = await seed(services, deployments);
  console.log(`seeded in ${ms(Date.now() - seedStarted)}\n`);

  // The controller without its dashboard, for the memory it takes today.
  const plain = await serve(["--dashboard", "off"]);
  const plainRss = await settledRss(plain.child, "--dashboard off, idle from its start");
  await stop(plain.child);

  const controller = await serve(["--dashboard", `127.0.0.1:${await freePort()}`]);
  const idleRss = await settledRss(controller.child, "with the dashboard, idle from its start");
  const cookie = await signIn(controller.dashboard, token);

  const overview = await timeRequests(`${controller.dashboard}/`, cookie, requests);
  const servicePage = await timeRequests(`${controller.dashboard}/services/svc-007/default`, cookie, requests);

  // A write by the controller itself: a deploy through its API whose image cannot be pulled
  // (recorded, then failed at its first step); the page of that service hears of it.
  const own = await eventLatencies(controller.dashboard, cookie, "service:broken@default", events, async () => {
    await fetch(`${controller.url}/api/v1/deployments`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ service: "broken", force: true }),
    });
  });
  // A write by another process (as `slipway deploy` beside the controller does): a deployment
  // recorded in the same SQLite file; that service's open page hears of it.
  const other = openStore({ stateDir, keys: secretKeySource({ stateDir, env: { SLIPWAY_SECRET_KEY: KEY } }) });
  const foreign = await eventLatencies(controller.dashboard, cookie, "service:svc-001@default", events, async () => {
    const started = await other.startDeployment({
      service: "svc-001",
      environment: "default",
      toRevision: 1,
      strategy: "recreate",
      trigger: "cli",
      holder: "bench:2",
    });
    await other.finishDeployment(started.id, { status: "failed", error: "the bench's own record" });
  });
  await other.close();

  const peakRss = rssOf(controller.child);
  const busyThenIdleRss = await settledRss(controller.child, "with the dashboard, idle after the rounds");
  await stop(controller.child);

  const p = (values: readonly number[], q: number): string => ms(percentile(values, q));
  console.log(
    table(
      ["measure", "p50", "p95", "max"],
      [
        ["overview, 200 services (GET /)", p(overview, 50), p(overview, 95), ms(Math.max(...overview))],
        ["a service's page (25 deployments with their steps)", p(servicePage, 50), p(servicePage, 95), ms(Math.max(...servicePage))],
        ["event to an open page: the controller's own write", p(own, 50), p(own, 95), ms(Math.max(...own))],
        ["event to an open page: another process's write", p(foreign, 50), p(foreign, 95), ms(Math.max(...foreign))],
      ],
    ),
  );
  console.log("");
  console.log(
    table(
      ["controller memory (RSS, idle)", "MB"],
      [
        ["slipway serve --dashboard off, idle", mb(plainRss)],
        ["slipway serve with the dashboard, idle before any page", mb(idleRss)],
        ["with the dashboard, right after the page and event rounds", mb(peakRss)],
        ["with the dashboard, idle after those rounds", mb(busyThenIdleRss)],
      ],
    ),
  );
  if (values.json !== undefined) {
    writeFileSync(
      values.json,
      JSON.stringify(
        {
          commit,
          services,
          deployments,
          overview,
          servicePage,
          ownEvents: own,
          foreignEvents: foreign,
          rss: { plain: plainRss, idle: idleRss, peak: peakRss, afterLoad: busyThenIdleRss },
        },
        null,
        2,
      ),
    );
  }
  console.log(`\nmedians: overview ${ms(median(overview))}, service page ${ms(median(servicePage))}`);
} finally {
  await cleanup();
}

function projectYaml(count: number): string {
  const lines = ["registry: 127.0.0.1:9/bench", "services:"];
  for (let i = 0; i < count; i++) lines.push(`  ${serviceName(i)}: { image: "127.0.0.1:9/bench/app:1", ports: ["${20000 + i}:8080"] }`);
  lines.push('  broken: { image: "127.0.0.1:9/bench/broken:1" }');
  return `${lines.join("\n")}\n`;
}

function serviceName(i: number): string {
  return `svc-${String(i).padStart(3, "0")}`;
}

/** The store as a year of deploys leaves it: each service's deployments, every one with its revision and its steps; and a token. */
async function seed(count: number, total: number): Promise<string> {
  const store: Store = openStore({ stateDir, keys: secretKeySource({ stateDir, env: { SLIPWAY_SECRET_KEY: KEY } }) });
  try {
    const perService = Math.ceil(total / count);
    let made = 0;
    for (let i = 0; i < count && made < total; i++) {
      const service = serviceName(i);
      for (let n = 1; n <= perService && made < total; n++, made++) {
        const revision = await store.saveRevision({
          service,
          environment: "default",
          image: `127.0.0.1:9/bench/app:2026${String(n).padStart(4, "0")}`,
          spec: { service, environment: "default", image: `127.0.0.1:9/bench/app:${n}`, replicas: 1, env: { MODE: "bench", API_TOKEN: "a-secret" } },
          specHash: `h${n}`,
        });
        const d = await store.startDeployment({
          service,
          environment: "default",
          toRevision: revision.revision,
          ...(n > 1 ? { fromRevision: n - 1 } : {}),
          strategy: "blue-green",
          trigger: "pipeline:1",
          holder: "bench:1",
        });
        for (const name of STEPS) {
          const step = await store.startStep(d.id, name, { replica: 1 });
          await store.finishStep(d.id, step.seq, { status: "done" });
        }
        await store.finishDeployment(d.id, { status: "succeeded" });
      }
    }
    const { createApiToken } = await import("../../src/server/tokens.js");
    return (await createApiToken(store, "bench")).token;
  } finally {
    await store.close();
  }
}

async function serve(extra: readonly string[]): Promise<{ child: ChildProcess; url: string; dashboard: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [bin, "-c", join(work, "slipway.yml"), "--state-dir", stateDir, "serve", "--listen", `127.0.0.1:${port}`, ...extra, "--log-level", "warn"],
    {
      env: { ...process.env, SLIPWAY_SECRET_KEY: KEY },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while ((await fetch(`${url}/healthz`).catch(() => undefined))?.ok !== true) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`slipway serve did not start: ${stderr}`);
    await sleep(100);
  }
  const at = extra.indexOf("--dashboard");
  const address = at === -1 ? "off" : (extra[at + 1] ?? "off");
  return { child, url, dashboard: `http://${address}` };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Resident memory of a process, in bytes (Linux /proc). */
function rssOf(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid ?? 0}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/**
 * A process's memory once idle: V8 gives back what a burst of requests took some seconds after
 * the last one (its memory reducer), so the figure is the last of 30 s of samples, 2 s apart.
 */
async function settledRss(child: ChildProcess, what: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 15; i++) {
    await sleep(2000);
    samples.push(rssOf(child));
  }
  console.log(`RSS ${what}, every 2 s: ${samples.map(mb).join(" ")} MB`);
  return samples.at(-1) ?? Number.NaN;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

async function signIn(dashboard: string, token: string): Promise<string> {
  const response = await fetch(`${dashboard}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, next: "/" }),
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (response.status !== 303 || cookie === undefined) throw new Error(`sign-in failed: HTTP ${response.status}`);
  return cookie;
}

/** Wall time of `count` GETs of a page, one at a time, after 5 to warm up; each must answer 200 with a page. */
async function timeRequests(url: string, cookie: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count + 5; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    const body = await response.text();
    const took = performance.now() - started;
    if (response.status !== 200 || !body.includes("</html>")) throw new Error(`GET ${url}: HTTP ${response.status}`);
    if (i >= 5) times.push(took);
  }
  return times;
}

/** For each of `count` writes: from just before it to when an open page's event stream (topic `topic`) says so. */
async function eventLatencies(dashboard: string, cookie: string, topic: string, count: number, write: () => Promise<void>): Promise<number[]> {
  const controller = new AbortController();
  const response = await fetch(`${dashboard}/events?topics=${encodeURIComponent(topic)}`, { headers: { cookie }, signal: controller.signal });
  if (response.body === null) throw new Error("no event stream");
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let waiting: (() => void) | undefined;
  let buffered = "";
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffered += decoder.decode(value);
      if (buffered.includes("event: refresh")) {
        buffered = "";
        waiting?.();
      }
    }
  })();
  const latencies: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      // Let the last write's events arrive before timing the next, at a random moment: another
      // process's write is seen on the controller's next check of the file, every 100 ms.
      await sleep(150 + Math.random() * 100);
      buffered = "";
      const arrived = new Promise<void>((resolve) => (waiting = resolve));
      const started = performance.now();
      const written = write();
      await arrived;
      latencies.push(performance.now() - started);
      waiting = undefined;
      await written;
    }
  } finally {
    controller.abort();
  }
  return latencies;
}
