import { SlipwayError } from "../errors/index.js";
import { holdChild, idleTimer } from "./child-ref.js";
import { gitFailure, spawnGit, type GitCounts } from "./git.js";

export interface GitObject {
  readonly oid: string;
  /** blob, tree, commit or tag */
  readonly type: string;
  readonly content: Buffer;
}

/**
 * One `git cat-file --batch` process for a repository, started on the first read and
 * answering every later one over its pipes: a read costs a line written and an answer
 * read, not a git process. It ends itself after `idleMs` without reads.
 */
export interface CatFile {
  /** The object a revision names (`<sha>^{tree}`, `<sha>:<path>`, `<sha>^{commit}`), or undefined when there is none. */
  read(revision: string): Promise<GitObject | undefined>;
  /** Ends the process now (it restarts on the next read): after a fetch, and at the end of a run. */
  close(): void;
}

interface Waiting {
  readonly revision: string;
  resolve(object: GitObject | undefined): void;
  reject(error: Error): void;
}

const DEFAULT_IDLE_MS = 2000;

export function openCatFile(dir: string, options: { counts?: GitCounts; idleMs?: number } = {}): CatFile {
  let current: BatchProcess | undefined;
  let idle: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (idle !== undefined) clearTimeout(idle);
    idle = undefined;
    current?.end();
    current = undefined;
  };
  const onIdle = (): void => {
    if (idle !== undefined) clearTimeout(idle);
    idle = idleTimer(options.idleMs ?? DEFAULT_IDLE_MS, stop);
  };
  return {
    read(revision) {
      if (/[\n\r]/.test(revision)) return Promise.reject(new SlipwayError("INTERNAL", "a revision for git cat-file contains a line break"));
      if (idle !== undefined) clearTimeout(idle);
      idle = undefined;
      if (current === undefined || current.ended()) current = startBatch(dir, options.counts, onIdle);
      return current.read(revision);
    },
    close: stop,
  };
}

interface BatchProcess {
  read(revision: string): Promise<GitObject | undefined>;
  /** Closes git's input: it answers what it was asked, then exits. */
  end(): void;
  ended(): boolean;
}

/** One cat-file process with its own queue, so answers never go to another process's reads. */
function startBatch(dir: string, counts: GitCounts | undefined, onIdle: () => void): BatchProcess {
  const child = spawnGit(["cat-file", "--batch"], { cwd: dir, counts, stdin: "pipe", timeoutMs: 0 });
  let buffer: Buffer = Buffer.alloc(0);
  let stderr = "";
  let waiting: Waiting[] = [];
  let closed = false;
  const failAll = (error: Error): void => {
    closed = true;
    const lost = waiting;
    waiting = [];
    for (const entry of lost) entry.reject(error);
    holdChild(child, false);
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const answer = takeAnswer(buffer);
      if (answer === undefined) break;
      buffer = buffer.subarray(answer.used);
      const next = waiting.shift();
      if (next === undefined) continue;
      if (answer.error === undefined) next.resolve(answer.object);
      else next.reject(new SlipwayError("GIT_FAILED", `git cat-file: ${answer.error} (${next.revision.slice(0, 80)})`));
    }
    if (waiting.length > 0) return;
    holdChild(child, false);
    if (!closed) onIdle();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4000);
  });
  child.stdin?.on("error", () => undefined);
  child.on("error", (error) => failAll(new SlipwayError("GIT_FAILED", `git cat-file could not be started: ${error.message}`, { cause: error })));
  child.on("close", (code) => failAll(gitFailure(["cat-file"], code ?? -1, stderr)));
  return {
    read(revision) {
      return new Promise<GitObject | undefined>((resolve, reject) => {
        waiting.push({ revision, resolve, reject });
        holdChild(child, true);
        child.stdin?.write(`${revision}\n`);
      });
    },
    end() {
      closed = true;
      child.stdin?.end();
    },
    ended: () => closed,
  };
}

type Answer = { readonly used: number; readonly object?: GitObject; readonly error?: string };

/** One complete answer at the start of `buffer` (`<oid> <type> <size>\n<content>\n` or `<name> missing\n`), if it has arrived. */
function takeAnswer(buffer: Buffer): Answer | undefined {
  const end = buffer.indexOf(0x0a);
  if (end === -1) return undefined;
  const header = buffer.subarray(0, end).toString("utf8");
  if (header.endsWith(" missing")) return { used: end + 1 };
  if (header.endsWith(" ambiguous")) return { used: end + 1, error: "the name is ambiguous" };
  const match = /^([0-9a-f]{40,64}) (\S+) (\d+)$/.exec(header);
  if (!match) return { used: end + 1, error: `unexpected answer "${header.slice(0, 120)}"` };
  const size = Number(match[3]);
  const start = end + 1;
  if (buffer.length < start + size + 1) return undefined;
  return { used: start + size + 1, object: { oid: match[1] ?? "", type: match[2] ?? "", content: Buffer.from(buffer.subarray(start, start + size)) } };
}
