import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { isSlipwayError } from "../../src/errors/index.js";
import { connectEngine, type Engine } from "../../src/engine/index.js";

const PID_FILE = "/var/run/docker.pid";
const DOCKERD_LOG = "/var/log/slipway-dockerd.log";
const READY_TIMEOUT_MS = 30_000;

let engine: Promise<Engine> | undefined;

/**
 * The Docker engine for integration tests. scripts/test.sh normally starts it; if it is not
 * running and we are root (and DOCKER_HOST is unset), dockerd is started in the background.
 */
export function ensureEngine(): Promise<Engine> {
  engine ??= connectOrStart();
  return engine;
}

async function connectOrStart(): Promise<Engine> {
  try {
    return await connectEngine();
  } catch (error) {
    if (!isSlipwayError(error, "ENGINE_UNREACHABLE")) throw error;
    if (process.env.DOCKER_HOST) throw new Error(`the tests need a Docker engine: ${error.message}`, { cause: error });
    if (process.getuid?.() !== 0) {
      throw new Error(`the tests need a running Docker engine, and starting one needs root: ${error.message}; run scripts/test.sh as root`, { cause: error });
    }
    startDockerd();
    return await waitForEngine();
  }
}

function startDockerd(): void {
  removeStalePidFile();
  const log = openSync(DOCKERD_LOG, "a");
  const child = spawn("dockerd", [], { detached: true, stdio: ["ignore", log, log] });
  child.unref();
}

function removeStalePidFile(): void {
  if (!existsSync(PID_FILE)) return;
  const pid = Number(readFileSync(PID_FILE, "utf8").trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return;
  rmSync(PID_FILE, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}

async function waitForEngine(): Promise<Engine> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await connectEngine();
    } catch (error) {
      last = error;
      await sleep(250);
    }
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new Error(`dockerd did not become ready in ${READY_TIMEOUT_MS / 1000} s (see ${DOCKERD_LOG}): ${reason}`);
}
