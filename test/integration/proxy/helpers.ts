import { createServer, type Server } from "node:http";
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { connectProxy, startManagedProxy, type Proxy, type ProxyHandle } from "../../../src/proxy/index.js";

export type TestContext = { after(fn: () => Promise<unknown> | void): void };

/** A port nothing listens on right now (the OS picks it; it stays free unless someone races us). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

export interface TestProxy {
  readonly handle: ProxyHandle;
  readonly proxy: Proxy;
  readonly stateDir: string;
  readonly adminAddress: string;
}

/** A real Caddy on a free admin port with its own state dir, stopped (and the dir removed) after the test. */
export async function startTestProxy(t: TestContext): Promise<TestProxy> {
  const stateDir = mkdtempSync(join(tmpdir(), "slipway-proxy-"));
  const adminAddress = `127.0.0.1:${await freePort()}`;
  const handle = await startManagedProxy({ stateDir, adminAddress });
  t.after(async () => {
    await handle.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return { handle, proxy: await connectProxy(handle.adminUrl), stateDir, adminAddress };
}

/** A real HTTP server on 127.0.0.1 answering `body`; `/slow` answers after `slowMs`. Closed after the test. */
export async function startUpstream(t: TestContext, body: string, slowMs = 1_500): Promise<string> {
  const server: Server = createServer((req, res) => {
    const answer = () => res.end(body);
    if (req.url === "/slow") setTimeout(answer, slowMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no address");
  return `127.0.0.1:${address.port}`;
}

/** An upstream that answers `body` and records every request it read as "METHOD /path body"; with `drop`, it drops the connection of a request to /drop without answering. */
export interface RecordingUpstream {
  readonly address: string;
  readonly seen: string[];
  /** Closes it: its port then refuses connections. */
  stop(): Promise<void>;
}

export async function startRecordingUpstream(t: TestContext, body: string, options: { drop?: boolean } = {}): Promise<RecordingUpstream> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    let received = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (received += chunk));
    req.on("end", () => {
      seen.push(`${req.method} ${req.url} ${received}`.trimEnd());
      if (options.drop === true && req.url === "/drop") req.socket.destroy();
      else res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  t.after(() => (server.listening ? stop() : undefined));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no address");
  return { address: `127.0.0.1:${address.port}`, seen, stop };
}

/** GETs `url` with a timeout; retries until `timeoutMs` only when asked to wait for readiness. */
export async function get(url: string, timeoutMs = 1_000): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

export async function waitForBody(url: string, expected: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      last = (await get(url)).body;
      if (last === expected) return;
    } catch (error) {
      last = String(error);
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer ${JSON.stringify(expected)} within ${timeoutMs} ms (last: ${last})`);
}

export interface Sample {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly body?: string;
  readonly error?: string;
}

export interface Load {
  /** Stops the clients after their current request and returns every request they made. */
  stop(): Promise<Sample[]>;
}

/**
 * Closed-loop load: `clients` loops, each sending its next GET as soon as the last one ended,
 * each request with its own timeout. A non-200 answer, a timeout or a connection error is a failure.
 */
export function startLoad(url: string, options: { clients: number; timeoutMs: number }): Load {
  const samples: Sample[] = [];
  let running = true;
  const client = async () => {
    while (running) {
      const startedAt = performance.now();
      try {
        const { status, body } = await get(url, options.timeoutMs);
        const endedAt = performance.now();
        samples.push(status === 200 ? { startedAt, endedAt, body } : { startedAt, endedAt, error: `HTTP ${status}: ${body.slice(0, 100)}` });
      } catch (error) {
        samples.push({
          startedAt,
          endedAt: performance.now(),
          error: error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error),
        });
      }
    }
  };
  const clients = Array.from({ length: options.clients }, () => client());
  return {
    async stop() {
      running = false;
      await Promise.all(clients);
      return samples;
    },
  };
}

export interface UserCaddy {
  readonly adminUrl: string;
  /** The config Caddy runs now (GET /config/). */
  config(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * A Caddy someone else runs (what `proxy.admin` names), started with `config` plus an admin API
 * on a free loopback port, its files in its own temp dir; stopped and removed after the test.
 */
export async function startUserCaddy(t: TestContext, config: Record<string, unknown>): Promise<UserCaddy> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-user-caddy-"));
  const listen = `127.0.0.1:${await freePort()}`;
  const adminUrl = `http://${listen}`;
  writeFileSync(join(dir, "caddy.json"), JSON.stringify({ ...config, admin: { listen } }));
  const log = openSync(join(dir, "caddy.log"), "a");
  const child = spawn("caddy", ["run", "--config", join(dir, "caddy.json")], {
    stdio: ["ignore", log, log],
    env: { ...process.env, XDG_DATA_HOME: join(dir, "data"), XDG_CONFIG_HOME: join(dir, "config") },
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  t.after(stop);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await get(`${adminUrl}/config/`);
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`Caddy did not start: ${readFileSync(join(dir, "caddy.log"), "utf8")}`, { cause: error });
      await sleep(100);
    }
  }
  return {
    adminUrl,
    config: async () => JSON.parse((await get(`${adminUrl}/config/`)).body) as Record<string, unknown>,
    stop,
  };
}
