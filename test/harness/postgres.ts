import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** Where Debian's postgresql-15 puts its programs (scripts/lib.sh installs it). */
export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

export interface TestPostgres {
  /** A URL of the cluster's `database`, as user slipway with its password. */
  url(database: string): string;
  readonly password: string;
  /** Creates an empty database of its own and returns its URL. */
  createDatabase(): Promise<string>;
  readonly logFile: string;
  /** Stops the server (fast shutdown) and removes its directory. */
  stop(): Promise<void>;
}

export function postgresUnavailable(): string | undefined {
  if (!existsSync(join(POSTGRES_BIN, "initdb"))) return `needs PostgreSQL 15 (${POSTGRES_BIN}/initdb): apt-get install postgresql-15`;
  return undefined;
}

/**
 * A real PostgreSQL 15 in a temporary directory: initdb and pg_ctl run as the postgres user
 * (the server refuses to run as root), listening on 127.0.0.1 on a free port and on a socket
 * in that directory. Host connections need the password (scram-sha-256), so the URLs carry one.
 * Durability is off unless `durable` (fsync, synchronous commit). The server is stopped, and its
 * directory removed, by stop(), at exit, and on SIGINT/SIGTERM.
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-pg-"));
  const data = join(dir, "data");
  const logFile = join(dir, "postgres.log");
  const password = randomBytes(12).toString("hex");
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  const as = (command: string, args: readonly string[]): [string, string[]] =>
    owner === undefined ? [join(POSTGRES_BIN, command), [...args]] : ["runuser", ["-u", "postgres", "--", join(POSTGRES_BIN, command), ...args]];
  writeFileSync(join(dir, "pwfile"), `${password}\n`, { mode: 0o600 });
  if (owner !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(join(dir, "pwfile"), owner.uid, owner.gid);
  }
  const port = await freePort();
  const stopNow = (): void => {
    try {
      execFileSync(...as("pg_ctl", ["stop", "-D", data, "-m", "immediate", "-s"]), { stdio: "ignore" });
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    stopNow();
    process.kill(process.pid, signal);
  };
  const forget = (): void => {
    process.off("exit", stopNow).off("SIGINT", onSignal).off("SIGTERM", onSignal);
  };
  process.once("exit", stopNow).once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    await run(
      ...as("initdb", ["-D", data, "-U", "slipway", `--pwfile=${join(dir, "pwfile")}`, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8"]),
    );
    // Tests need no durability; a benchmark keeps PostgreSQL's defaults (fsync and synchronous commit on).
    const fast = options.durable === true ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    await run(...as("pg_ctl", ["start", "-D", data, "-l", logFile, "-w", "-t", "30", "-s", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${fast}`]));
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-2000) : "";
    forget();
    stopNow();
    throw new Error(`cannot start a test PostgreSQL: ${(error as Error).message}\n${log}`);
  }
  const url = (database: string): string => `postgres://slipway:${password}@127.0.0.1:${port}/${database}`;
  let created = 0;
  return {
    url,
    password,
    logFile,
    async createDatabase() {
      const name = `t${process.pid}_${++created}_${randomBytes(3).toString("hex")}`;
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      forget();
      await run(...as("pg_ctl", ["stop", "-D", data, "-m", "fast", "-s", "-w"])).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) throw new Error("there is no postgres user: install postgresql-15");
  return { uid: Number(uid), gid: Number(gid) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** The rows of a query on a PostgreSQL database, read directly. */
export async function rowsOf(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}
