import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

const run = promisify(execFile);
const READY_TIMEOUT_MS = 15_000;

export interface RegistryAuth {
  readonly username: string;
  readonly password: string;
}

export interface TestRegistry {
  /** host:port, as it appears in image references (loopback, so the engine allows plain HTTP). */
  readonly host: string;
  /** http://host:port */
  readonly url: string;
  readonly dataDir: string;
  readonly credentials?: RegistryAuth;
  /** The registry's own log, for test failure messages. */
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** Serve with htpasswd (basic) authentication for this one user. */
  readonly auth?: RegistryAuth;
  /** Extra YAML appended to the registry config. */
  readonly extraConfig?: string;
  /** Send the registry's own notifications (`notifications.endpoints`) here, with a bearer token. */
  readonly notify?: { readonly url: string; readonly token: string; readonly backoff?: string };
}

/** The registry config block that sends every event to `url` with `Authorization: Bearer token`. */
function notificationsBlock(notify: NonNullable<StartRegistryOptions["notify"]>): string {
  return [
    "notifications:",
    "  endpoints:",
    "    - name: slipway",
    `      url: ${notify.url}`,
    "      headers:",
    `        Authorization: [Bearer ${notify.token}]`,
    "      timeout: 2s",
    "      threshold: 3",
    `      backoff: ${notify.backoff ?? "1s"}`,
    "",
  ].join("\n");
}

/**
 * Starts a real distribution registry (Debian's docker-registry) on a free loopback port with
 * its own data directory, optionally behind htpasswd auth. `stop()` kills it and removes the data.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const logFile = join(dir, "registry.log");
  const auth = options.auth ? await htpasswdBlock(dir, options.auth) : "";
  const notifications = options.notify === undefined ? "" : notificationsBlock(options.notify);
  writeFileSync(join(dir, "config.yml"), registryConfig(dir, host, auth) + notifications + (options.extraConfig ?? ""));
  const log = openSync(logFile, "a");
  const child = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: ["ignore", log, log] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitReady(`http://${host}/v2/`, child, logFile);
  return {
    host,
    url: `http://${host}`,
    dataDir: join(dir, "data"),
    ...(options.auth ? { credentials: options.auth } : {}),
    logFile,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function registryConfig(dir: string, host: string, auth: string): string {
  return [
    "version: 0.1",
    "log: { level: warn }",
    "storage:",
    `  filesystem: { rootdirectory: ${join(dir, "data")} }`,
    "  delete: { enabled: true }",
    "http:",
    `  addr: ${host}`,
    auth,
    "",
  ].join("\n");
}

async function htpasswdBlock(dir: string, auth: RegistryAuth): Promise<string> {
  // Test-only credentials, generated per run; htpasswd (apache2-utils) does the bcrypt.
  const { stdout } = await run("htpasswd", ["-nbB", "--", auth.username, auth.password]);
  const file = join(dir, "htpasswd");
  writeFileSync(file, stdout.trim() + "\n");
  return ["auth:", "  htpasswd:", "    realm: slipway-test", `    path: ${file}`].join("\n");
}

/** A port the kernel just handed out and released: free, loopback only. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}; see ${logFile}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error(`docker-registry did not answer on ${url} in ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
}
