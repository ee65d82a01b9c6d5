import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SlipwayError } from "../errors/index.js";
import { adminAnswers, createAdminClient } from "./admin-client.js";
import { DEFAULT_ADMIN_ADDRESS, parseAdminAddress, type AdminAddress } from "./admin-address.js";
import { initialConfig, savedAdminListen } from "./initial-config.js";
import type { ProxyHandle } from "./types.js";

export interface ManagedProxyOptions {
  /** Slipway's state directory; the proxy keeps its config, log, pid file and data under <stateDir>/proxy. */
  readonly stateDir: string;
  /** Loopback host:port for Caddy's admin API; 127.0.0.1:2019 unless given. */
  readonly adminAddress?: string;
  /** The Caddy executable; `caddy` from PATH unless given. */
  readonly caddyBinary?: string;
  readonly readyTimeoutMs?: number;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

/** Where the managed proxy keeps its files. */
export function proxyPaths(stateDir: string) {
  const dir = join(stateDir, "proxy");
  return {
    dir,
    config: join(dir, "caddy.json"),
    log: join(dir, "caddy.log"),
    pid: join(dir, "caddy.pid"),
    /** XDG_DATA_HOME and XDG_CONFIG_HOME for Caddy, so it never writes to the user's home. */
    data: join(dir, "data"),
    home: join(dir, "config"),
    autosave: join(dir, "config", "caddy", "autosave.json"),
  } as const;
}

/**
 * Returns a handle on the proxy answering at the admin address, starting Caddy first when none
 * does. Caddy runs detached in its own process group, so it outlives this process: a deploy must
 * never take the proxy down. A restarted proxy resumes the routes it last had (Caddy's autosave).
 */
export async function startManagedProxy(options: ManagedProxyOptions): Promise<ProxyHandle> {
  const address = parseAdminAddress(options.adminAddress ?? DEFAULT_ADMIN_ADDRESS);
  const paths = proxyPaths(options.stateDir);
  if (await adminAnswers(address.url)) {
    await createAdminClient(address.url).read("/config/");
    return handle(address, livePid(paths.pid), false, paths.pid);
  }
  const caddy = await spawnCaddy(address, paths, options.caddyBinary ?? "caddy");
  await waitReady(address, caddy, paths.log, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  return handle(address, caddy.pid, true, paths.pid);
}

interface Spawned {
  readonly pid: number;
  /** The exit code or signal once Caddy has exited, else undefined. */
  exited(): string | undefined;
}

async function spawnCaddy(address: AdminAddress, paths: ReturnType<typeof proxyPaths>, binary: string): Promise<Spawned> {
  mkdirSync(paths.home, { recursive: true });
  mkdirSync(paths.data, { recursive: true });
  writeFileSync(paths.config, `${JSON.stringify(initialConfig(address.listen), null, 2)}\n`);
  const args = ["run", "--config", paths.config, ...(canResume(paths.autosave, address) ? ["--resume"] : [])];
  const log = openSync(paths.log, "a");
  try {
    const child = spawn(binary, args, {
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...process.env, XDG_DATA_HOME: paths.data, XDG_CONFIG_HOME: paths.home },
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("spawn", () => resolve(child.pid ?? 0));
      child.once("error", (error) => reject(notStarted(binary, error)));
    });
    let exit: string | undefined;
    child.once("exit", (code, signal) => {
      exit = signal ?? `code ${code ?? "?"}`;
    });
    child.unref();
    writeFileSync(paths.pid, `${pid}\n`);
    return { pid, exited: () => exit };
  } finally {
    closeSync(log);
  }
}

/** Resume only a saved config whose admin API is where we will look for it. */
function canResume(autosave: string, address: AdminAddress): boolean {
  if (!existsSync(autosave)) return false;
  try {
    return savedAdminListen(JSON.parse(readFileSync(autosave, "utf8"))) === address.listen;
  } catch {
    return false;
  }
}

async function waitReady(address: AdminAddress, caddy: Spawned, log: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await adminAnswers(address.url, 500)) return;
    const exit = caddy.exited();
    if (exit !== undefined) throw startFailed(address, log, `Caddy exited during start (${exit})`);
    await sleep(100);
  }
  terminate(caddy.pid);
  throw startFailed(address, log, `Caddy did not answer within ${timeoutMs / 1000} s`);
}

function handle(address: AdminAddress, pid: number | undefined, started: boolean, pidFile: string): ProxyHandle {
  return {
    adminUrl: address.url,
    pid,
    started,
    async stop() {
      await createAdminClient(address.url)
        .call("stopping", { method: "POST", path: "/stop", timeoutMs: STOP_TIMEOUT_MS })
        .catch(() => undefined);
      await waitStopped(address, pid);
      if (pid !== undefined && livePid(pidFile) === undefined) rmSync(pidFile, { force: true });
    },
  };
}

async function waitStopped(address: AdminAddress, pid: number | undefined): Promise<void> {
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const running = (pid !== undefined && isAlive(pid)) || (await adminAnswers(address.url, 500));
    if (!running) return;
    await sleep(100);
  }
  if (pid !== undefined) terminate(pid);
}

function livePid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}

/** An exited process not yet reaped by its parent (e.g. a container's init) still answers kill(0). */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function terminate(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
}

function notStarted(binary: string, error: Error): SlipwayError {
  const missing = "code" in error && error.code === "ENOENT";
  return new SlipwayError(
    "PROXY_FAILED",
    missing ? `the reverse proxy cannot start: ${binary} is not installed` : `the reverse proxy cannot start: ${error.message}`,
    {
      hint: missing ? "install Caddy v2 (`apt-get install caddy`) or point Slipway at its binary" : "check that the Caddy binary runs",
      cause: error,
    },
  );
}

function startFailed(address: AdminAddress, log: string, what: string): SlipwayError {
  return new SlipwayError("PROXY_FAILED", `the reverse proxy did not start with its admin API at ${address.listen}: ${what}`, {
    details: lastLines(log, 5),
    hint: `see ${log}; if the admin port is taken, give another admin address`,
  });
}

function lastLines(file: string, count: number): string[] {
  try {
    return readFileSync(file, "utf8")
      .trimEnd()
      .split("\n")
      .slice(-count)
      .map((line) => line.slice(0, 300));
  } catch {
    return [];
  }
}
