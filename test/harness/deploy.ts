import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { createHealthGate } from "../../src/deploy/health-gate.js";
import { LABEL, processHolder, serviceSelector, type DeployPorts, type ServiceSpec } from "../../src/deploy/index.js";
import type { Engine } from "../../src/engine/index.js";
import { connectProxy, startManagedProxy, type Proxy, type ProxyHandle } from "../../src/proxy/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { ensureBaseImage, httpdCommand } from "./base-image.js";
import { testLabels, testName } from "./labels.js";

/**
 * Images are named after a registry nobody listens on (port 1 on loopback): a deployment that
 * tried to pull one would fail at once, so every test proves it ran from the local image.
 */
export const OFFLINE_REGISTRY = "127.0.0.1:1";

const MIGRATE_REQ = "/proc/sys/net/ipv4/tcp_migrate_req";

/**
 * Caddy (2.6 and later) applies every config change by opening a new SO_REUSEPORT listener on
 * each port and closing the old one; the kernel resets the connections still waiting in the old
 * listener's accept queue, so a switch under load fails a client now and then ("connect
 * ECONNRESET", measured: 8 of 180 switches). net.ipv4.tcp_migrate_req=1 (Linux 5.14+) hands
 * them to the new listener instead (0 of 180). The zero-downtime tests need it: set it when we
 * may (root), else say what to do. Returns what was done, for the test log.
 */
export function ensureListenerMigration(): string {
  if (!existsSync(MIGRATE_REQ)) return `${MIGRATE_REQ} does not exist (Linux before 5.14): a proxy switch under load may reset a connection`;
  if (readFileSync(MIGRATE_REQ, "utf8").trim() === "1") return "net.ipv4.tcp_migrate_req is 1";
  if (process.getuid?.() !== 0) {
    throw new Error(
      "the zero-downtime tests need net.ipv4.tcp_migrate_req=1 (else Caddy's reload resets queued connections): run `sysctl -w net.ipv4.tcp_migrate_req=1` as root",
    );
  }
  writeFileSync(MIGRATE_REQ, "1\n");
  return "set net.ipv4.tcp_migrate_req=1 so that Caddy's reloads do not reset queued connections";
}

/** Where a deployment keeps its state, and the real Caddy it switches. */
export interface DeployWorld {
  readonly stateDir: string;
  readonly adminAddress: string;
  readonly handle: ProxyHandle;
  readonly ports: DeployPorts;
  readonly store: Store;
  readonly proxy: Proxy;
  /** Every progress line the in-process deployments wrote. */
  readonly lines: string[];
  stop(): Promise<void>;
}

export interface PortsOptions {
  readonly engine: Engine;
  readonly stateDir: string;
  readonly adminUrl: string;
  readonly log: (line: string) => void;
  readonly fault?: string;
  readonly holder?: string;
}

/** The deploy engine's ports over the real engine, the SQLite store in `stateDir` and the Caddy at `adminUrl`. */
export async function deployPortsFor(options: PortsOptions): Promise<{ ports: DeployPorts; store: Store; proxy: Proxy }> {
  const store = openStore({ stateDir: options.stateDir });
  const proxy = await connectProxy(options.adminUrl);
  const ports: DeployPorts = {
    engine: options.engine,
    store,
    router: proxy,
    health: createHealthGate(options.engine),
    holder: options.holder ?? processHolder(),
    log: options.log,
    sleep: (ms) => sleep(ms),
    ...(options.fault === undefined ? {} : { fault: options.fault }),
  };
  return { ports, store, proxy };
}

/** A temporary state dir with a managed Caddy on a free admin port; `stop()` stops Caddy and removes the dir. */
export async function startDeployWorld(engine: Engine, adminPort: number): Promise<DeployWorld> {
  const stateDir = mkdtempSync(join(tmpdir(), "slipway-deploy-"));
  const adminAddress = `127.0.0.1:${adminPort}`;
  const handle = await startManagedProxy({ stateDir, adminAddress });
  const lines: string[] = [];
  const { ports, store, proxy } = await deployPortsFor({ engine, stateDir, adminUrl: handle.adminUrl, log: (line) => lines.push(line) });
  return {
    stateDir,
    adminAddress,
    handle,
    ports,
    store,
    proxy,
    lines,
    async stop() {
      await store.close();
      await handle.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds one image per version on the busybox base: it answers its version on `/`, and
 * prepares /www and /data for user 1000. Labelled with this run's test labels (cleanup
 * removes them). Returns the references by version.
 */
/**
 * Builds, trying again when a cached layer vanished mid-build: test files run side by side,
 * build the same first steps from one cache, and another file's cleanup removing its own image
 * takes the shared untagged parents with it ("No such image: sha256:…").
 */
async function buildRacingCleanup(engine: Engine, options: Parameters<Engine["build"]>[0]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await engine.build(options);
      return;
    } catch (error) {
      if (attempt >= 3 || !(error instanceof Error) || !/No such image: sha256:/.test(error.message)) throw error;
    }
  }
}

export async function buildWebImages(engine: Engine, versions: readonly string[]): Promise<Record<string, string>> {
  const base = await ensureBaseImage(engine);
  const repository = `${OFFLINE_REGISTRY}/${testName("web")}`;
  const refs: Record<string, string> = {};
  for (const version of versions) {
    const dir = mkdtempSync(join(tmpdir(), "slipway-web-"));
    try {
      const dockerfile = [
        `FROM ${base}`,
        'RUN ["/bin/mkdir", "-p", "/www", "/data"]',
        'RUN ["/bin/chown", "1000:1000", "/www", "/data"]',
        `ENV HTTP_BODY=${version}`,
        "",
      ];
      writeFileSync(join(dir, "Dockerfile"), dockerfile.join("\n"));
      const ref = `${repository}:${version}`;
      await buildRacingCleanup(engine, { contextDir: dir, tags: [ref], labels: testLabels() });
      refs[version] = ref;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return refs;
}

/**
 * The web service's command: busybox httpd on `port` answering $HTTP_BODY on `/`. It also
 * keeps, on /data, the version that first started on that volume (`/first.txt` shows it).
 */
export function webCommand(port = 8080, options: { volume?: boolean } = {}): string[] {
  if (options.volume !== true) return httpdCommand(port);
  const [shell, flag, script] = httpdCommand(port);
  const keep = '[ -f /data/first ] || printf %s "$HTTP_BODY" > /data/first; mkdir -p /www; cp /data/first /www/first.txt';
  return [shell ?? "sh", flag ?? "-c", `${keep}; ${script ?? ""}`];
}

/**
 * The slipway.yml lines of a web service like webService's, for tests that drive the CLI: the
 * image's httpd on 8080 behind the proxy on 127.0.0.1:`port`, a quick http health check and a
 * blue-green switch; `extra` lines (already indented by four) go after the service's own.
 */
/** A blue-green web service in slipway.yml, published on 127.0.0.1:`port`, or on every address of its host with `everyAddress`. */
export function webServiceYaml(options: {
  name: string;
  image: string;
  port: number;
  drain?: string;
  extra?: readonly string[];
  everyAddress?: boolean;
}): string[] {
  return [
    `  ${options.name}:`,
    `    image: ${options.image}`,
    // $ doubled: slipway.yml interpolates ${...}; the command's own variables must reach the shell.
    `    command: ${JSON.stringify(webCommand(8080)).replaceAll("$", "$$$$")}`,
    `    ports: ["${options.everyAddress === true ? "" : "127.0.0.1:"}${options.port}:8080"]`,
    ...(options.extra ?? []),
    "    stop_grace_period: 1s",
    "    health: { http: /, interval: 200ms, deadline: 30s }",
    `    update: { strategy: blue-green, drain: ${options.drain ?? "300ms"} }`,
  ];
}

/** A one-replica blue-green web service published by the proxy on 127.0.0.1:`published`; old revisions drain for 0.3 s. */
export function webService(options: { service: string; image: string; published: number }, overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    service: options.service,
    environment: "test",
    image: options.image,
    command: webCommand(8080),
    env: { GREETING: "hello" },
    labels: testLabels(),
    ports: [{ target: 8080, published: options.published, protocol: "tcp", hostIp: "127.0.0.1" }],
    volumes: [],
    networks: [],
    replicas: 1,
    stopGracePeriodMs: 2_000,
    health: { probe: { kind: "http", path: "/" }, startPeriodMs: 0, intervalMs: 200, timeoutMs: 1_000, retries: 3, deadlineMs: 10_000 },
    update: { strategy: "blue-green", batch: 1, drainMs: 300, keep: 5, allowSharedVolumes: false },
    ...overrides,
  };
}

export interface ServiceContainer {
  readonly id: string;
  readonly name: string;
  readonly revision: number;
  readonly state: string;
}

/** Every container of the service Slipway created, running or not, by revision. */
export async function serviceContainers(engine: Engine, spec: Pick<ServiceSpec, "service" | "environment">): Promise<ServiceContainer[]> {
  const containers = await engine.listContainers({ labels: serviceSelector(spec.service, spec.environment), all: true });
  return containers
    .map((c) => ({ id: c.id, name: c.name, revision: Number(c.labels[LABEL.revision]), state: c.state }))
    .sort((a, b) => a.revision - b.revision || a.name.localeCompare(b.name));
}

/** The compiled fault driver (test/integration/deploy/deploy-driver.ts). */
export const DRIVER_PATH = fileURLToPath(new URL("../integration/deploy/deploy-driver.js", import.meta.url));

export interface DriverArgs {
  readonly stateDir: string;
  readonly adminUrl: string;
  readonly spec: ServiceSpec;
  readonly waitMs?: number;
}

export interface DriverRun {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** What the driver prints on its last stdout line. */
export type DriverReport =
  { readonly ok: true; readonly status: string; readonly revision: number } | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Runs one deployment in a separate Node process (JSON args on argv), with SLIPWAY_FAULT set
 * when `fault` is given, and resolves when it has exited. `onSpawn` sees its pid.
 */
export function runDriver(args: DriverArgs, options: { fault?: string; onSpawn?: (pid: number) => void } = {}): Promise<DriverRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.fault === undefined) delete env.SLIPWAY_FAULT;
  else env.SLIPWAY_FAULT = options.fault;
  const child = spawn(process.execPath, ["--enable-source-maps", DRIVER_PATH, JSON.stringify(args)], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("spawn", () => options.onSpawn?.(child.pid ?? 0));
    child.once("close", (code, signal) => resolve({ pid: child.pid ?? 0, code, signal, stdout, stderr }));
  });
}

/** The driver's report (its last stdout line), or an error showing everything it wrote. */
export function driverReport(run: DriverRun): DriverReport {
  const last = run.stdout.trimEnd().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as DriverReport;
  } catch {
    throw new Error(`the driver printed no report (exit ${run.code ?? run.signal ?? "?"}):\n${run.stdout}\n${run.stderr}`);
  }
}
