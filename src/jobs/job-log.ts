import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SlipwayError } from "../errors/index.js";
import { redactText } from "../util/secret.js";

/** What a run's header says. Never environment values: at most the variable names. */
export interface JobLogHeader {
  readonly at: Date;
  /** The image reference the run uses, e.g. registry/app:20260102T000000Z. */
  readonly image: string;
  /** The image's version (its tag). */
  readonly version: string;
  readonly command: readonly string[];
  /** "schedule", "cli", "api", "launcher". */
  readonly trigger: string;
  /** The names of the variables the run gets; their values are never written. */
  readonly envKeys?: readonly string[];
}

export interface JobLog {
  /** The current log file: <dir>/<job>.log */
  readonly path: string;
  writeHeader(header: JobLogHeader): void;
  write(chunk: string | Buffer): void;
  close(): Promise<void>;
}

export interface JobLogOptions {
  readonly dir: string;
  readonly job: string;
  /** Rotate before a write would take the current file past this many bytes. */
  readonly maxSize: number;
  /** Files kept, the current one included: <job>.log, <job>.log.1 … <job>.log.<files-1>. */
  readonly files: number;
}

const JOB_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A job's log: appends to <dir>/<job>.log and rotates by size. Before a write would pass
 * `maxSize`, the file becomes <job>.log.1 (the older ones move up one; the one past `files`
 * is dropped) and a new file starts. A chunk larger than `maxSize` is split across files.
 * Writes are synchronous, so the file always holds everything written so far, in order.
 */
export function openJobLog(options: JobLogOptions): JobLog {
  const { dir, job } = options;
  if (!JOB_FILE_NAME.test(job) || job.includes("..")) {
    throw new SlipwayError("USAGE", `"${job}" cannot name a job log: use letters, digits, ".", "_" and "-"`);
  }
  const maxSize = Math.max(1, Math.floor(options.maxSize));
  const files = Math.max(1, Math.floor(options.files));
  const path = join(dir, `${job}.log`);
  let fd = attempt(path, "opening", () => {
    mkdirSync(dir, { recursive: true });
    return openSync(path, "a", 0o640);
  });
  let size = attempt(path, "reading the size of", () => statSync(path).size);
  let closed = false;

  const rotate = (): void => {
    attempt(path, "rotating", () => {
      closeSync(fd);
      rotateFiles(path, files);
      fd = openSync(path, "a", 0o640);
    });
    size = 0;
  };

  const write = (chunk: string | Buffer): void => {
    if (closed) return;
    let bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    while (bytes.length > 0) {
      const room = maxSize - size;
      if (size > 0 && bytes.length > room) {
        rotate();
        continue;
      }
      const piece = bytes.length <= room ? bytes : bytes.subarray(0, charBoundary(bytes, room));
      attempt(path, "writing", () => writeAll(fd, piece));
      size += piece.length;
      bytes = bytes.subarray(piece.length);
    }
  };

  return {
    path,
    writeHeader: (header) => write(formatHeader(job, header)),
    write,
    close() {
      if (!closed) {
        closed = true;
        attempt(path, "closing", () => closeSync(fd));
      }
      return Promise.resolve();
    },
  };
}

/** The header block written before each run's output. */
export function formatHeader(job: string, header: JobLogHeader): string {
  const lines = [
    `=== ${header.at.toISOString()} job ${job} (trigger: ${header.trigger})`,
    `=== image: ${header.image} (version ${header.version})`,
    `=== command: ${header.command.map(quoteArg).join(" ")}`,
    ...(header.envKeys === undefined || header.envKeys.length === 0 ? [] : [`=== env: ${[...header.envKeys].sort().join(", ")} (values not logged)`]),
  ];
  return redactText(`${lines.join("\n")}\n`);
}

/** The file names a job log rotates through, newest first: <job>.log, <job>.log.1, … */
export function jobLogFiles(dir: string, job: string, files: number): string[] {
  const path = join(dir, `${job}.log`);
  return Array.from({ length: Math.max(1, files) }, (_, index) => (index === 0 ? path : `${path}.${index}`));
}

function rotateFiles(path: string, files: number): void {
  if (files <= 1) {
    rmSync(path, { force: true });
    return;
  }
  rmSync(`${path}.${files - 1}`, { force: true });
  for (let index = files - 2; index >= 1; index -= 1) {
    if (existsSync(`${path}.${index}`)) renameSync(`${path}.${index}`, `${path}.${index + 1}`);
  }
  renameSync(path, `${path}.1`);
}

/** The largest length ≤ limit that does not cut a UTF-8 character in two (limit itself if none). */
function charBoundary(bytes: Buffer, limit: number): number {
  let end = limit;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return end === 0 ? limit : end;
}

function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

function attempt<T>(path: string, doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SlipwayError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SlipwayError("JOB_LOG_FAILED", `${doing} the job log ${path} failed: ${reason}`, {
      hint: "check that the log directory exists, is writable by this user, and has free space",
      cause: error,
    });
  }
}
