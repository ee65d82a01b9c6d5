import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { SlipwayError } from "../errors/index.js";

export interface FileLockOptions {
  /** How long to wait for another holder before giving up. */
  readonly waitMs?: number;
  /** A lock file not refreshed for this long is a crashed holder's, and is taken over. */
  readonly staleMs?: number;
}

const POLL_MS = 50;

/**
 * Runs `work` holding a lock file created with O_EXCL, so two processes (or two calls in one)
 * never do it at once. The holder writes its pid and host and refreshes the file's time while
 * it works; a lock whose process is gone (same host) or that went stale is taken over.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 60_000;
  await acquire(path, options.waitMs ?? 15 * 60_000, staleMs);
  const refresh = setInterval(() => touch(path), Math.max(1000, Math.floor(staleMs / 3)));
  refresh.unref();
  try {
    return await work();
  } finally {
    clearInterval(refresh);
    release(path);
  }
}

async function acquire(path: string, waitMs: number, staleMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryCreate(path)) return;
    const holder = readHolder(path);
    if (holder !== undefined && isAbandoned(path, holder, staleMs)) {
      removeIfUnchanged(path, holder);
      continue;
    }
    if (Date.now() > deadline) {
      throw new SlipwayError(
        "GIT_FAILED",
        `timed out after ${Math.round(waitMs / 1000)}s waiting for the lock ${path}${holder ? ` (held by ${holder.trim()})` : ""}`,
        {
          hint: "another Slipway process is fetching this repository; if none runs, remove the lock file",
        },
      );
    }
    await sleep(POLL_MS);
  }
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o644);
    writeSync(fd, `${process.pid} ${hostname()}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new SlipwayError("GIT_FAILED", `cannot create the lock file ${path}: ${(error as Error).message}`, {
      hint: "check that the cache directory exists and is writable",
      cause: error,
    });
  }
}

function readHolder(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // released meanwhile
  }
}

function isAbandoned(path: string, holder: string, staleMs: number): boolean {
  const [pid, host] = holder.trim().split(" ");
  if (host === hostname() && pid !== undefined && !isAlive(Number(pid))) return true;
  try {
    return Date.now() - statSync(path).mtimeMs > staleMs;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function removeIfUnchanged(path: string, holder: string): void {
  if (readHolder(path) !== holder) return;
  try {
    unlinkSync(path);
  } catch {
    // another process took it over first
  }
}

function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // released meanwhile
  }
}

function release(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
