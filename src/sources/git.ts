import { spawn, type ChildProcess } from "node:child_process";
import { SlipwayError } from "../errors/index.js";
import { redactText } from "../util/secret.js";
import { redactUserinfo, type Remote } from "./remote.js";

/** How many git programs ran, by kind: what benchmarks and "planning does no fetch" tests read. */
export interface GitCounts {
  lsRemote: number;
  fetch: number;
  clone: number;
  other: number;
}

export function createGitCounts(): GitCounts {
  return { lsRemote: 0, fetch: 0, clone: 0, other: 0 };
}

export interface RunGitOptions {
  readonly cwd?: string;
  /** Added to the environment git runs with. */
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string | Buffer;
  readonly timeoutMs?: number;
  readonly counts?: GitCounts;
  /** The remote the command talks to, named in error messages. */
  readonly remote?: Remote;
  /** Exit codes that are answers rather than failures (`cat-file -e` exits 1 for "no"). */
  readonly okExitCodes?: readonly number[];
}

export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/**
 * Only these transports can run, whatever a remote, a submodule or a config says: `ext::`,
 * `fd::`, http and git:// are refused by git itself.
 */
const PROTOCOL_CONFIG = [
  "-c",
  "protocol.allow=never",
  "-c",
  "protocol.file.allow=always",
  "-c",
  "protocol.https.allow=always",
  "-c",
  "protocol.ssh.allow=always",
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "core.fsmonitor=false",
] as const;

/** Variables that would point git somewhere else, or make it ask a person. */
const DROPPED_ENV = [
  "GIT_ASKPASS",
  "SSH_ASKPASS",
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_CONFIG_PARAMETERS",
  "GIT_CONFIG_COUNT",
  "GIT_EXTERNAL_DIFF",
  "GIT_PAGER",
  "GIT_EDITOR",
  "GIT_PROTOCOL_FROM_USER",
  "GIT_ALLOW_PROTOCOL",
] as const;

/** The full argv after `git`: the protocol allow-list, then the command. */
export function gitArgv(args: readonly string[]): string[] {
  return [...PROTOCOL_CONFIG, ...args];
}

/** The environment git runs with: never prompts, C locale, ssh in batch mode unless configured. */
export function gitEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of DROPPED_ENV) delete env[name];
  env.GIT_TERMINAL_PROMPT = "0";
  env.GCM_INTERACTIVE = "never";
  env.LC_ALL = "C";
  env.LANGUAGE = "C";
  if (env.GIT_SSH_COMMAND === undefined && env.GIT_SSH === undefined) env.GIT_SSH_COMMAND = "ssh -o BatchMode=yes";
  return { ...env, ...extra };
}

export interface SpawnGitOptions extends Pick<RunGitOptions, "cwd" | "env" | "counts"> {
  /** 0 runs without a time limit (long-lived `cat-file --batch`, which its owner closes). */
  readonly timeoutMs?: number;
  /** "pipe" to write to git's standard input (batch commands); ignored by default. */
  readonly stdin?: "pipe" | "ignore";
}

/** Starts git with the safe argv and environment; for streaming output (git archive, log, cat-file --batch). */
export function spawnGit(args: readonly string[], options: SpawnGitOptions = {}): ChildProcess {
  countRun(args, options.counts);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return spawn("git", gitArgv(args), {
    cwd: options.cwd,
    env: gitEnv(options.env),
    stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
    ...(timeoutMs === 0 ? {} : { timeout: timeoutMs }),
  });
}

/** Runs git to completion; a non-zero exit ends in a SlipwayError (see gitFailure). */
export function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  countRun(args, options.counts);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn("git", gitArgv(args), {
      cwd: options.cwd,
      env: gitEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
      timeout: timeoutMs,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on("error", () => undefined); // git may exit before reading its input
    child.stdin.end(options.input);
    child.on("error", (error) => reject(spawnFailure(error)));
    child.on("close", (code, signal) => {
      const result = { stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8"), exitCode: code ?? -1 };
      if (signal !== null) return reject(timeoutFailure(args, timeoutMs, options.remote, signal));
      if (code === 0 || (code !== null && options.okExitCodes?.includes(code))) return resolve(result);
      reject(gitFailure(args, result.exitCode, result.stderr, options.remote));
    });
  });
}

const UNREACHABLE = [
  /Repository not found/i,
  /does not appear to be a git repository/i,
  /Could not read from remote/i,
  /repository '.*' not found/i,
  /Authentication failed/i,
  /terminal prompts disabled/i,
  /could not read Username/i,
  /Could not resolve host/i,
  /Connection (refused|timed out)/i,
  /unable to access/i,
  /Host key verification failed/i,
  /Permission denied/i,
];

/** A failed git run as a SlipwayError: an unreadable remote, a refused transport, or GIT_FAILED. */
export function gitFailure(args: readonly string[], exitCode: number, stderr: string, remote?: Remote): SlipwayError {
  const lines = lastLines(stderr, 5);
  if (/transport '.*' not allowed/.test(stderr)) {
    return new SlipwayError("GIT_REMOTE_INVALID", `git refused the transport of ${remote ? remote.display : "a remote"}`, {
      details: lines,
      hint: "use an ssh, https, file:// or local-path remote",
    });
  }
  if (remote && UNREACHABLE.some((pattern) => pattern.test(stderr))) {
    return new SlipwayError("GIT_REMOTE_UNREACHABLE", `cannot read the git remote ${remote.display}`, {
      details: lines,
      hint: "check the URL and your access to it (ssh key, token, network)",
    });
  }
  const where = remote ? ` for ${remote.display}` : "";
  return new SlipwayError("GIT_FAILED", `git ${args[0] ?? ""} failed${where} (exit ${exitCode})`, { details: lines });
}

function lastLines(text: string, count: number): string[] {
  return redactText(redactUserinfo(text))
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line !== "")
    .slice(-count);
}

function timeoutFailure(args: readonly string[], timeoutMs: number, remote: Remote | undefined, signal: string): SlipwayError {
  const where = remote ? ` for ${remote.display}` : "";
  return new SlipwayError("GIT_FAILED", `git ${args[0] ?? ""}${where} was stopped (${signal}) after ${Math.round(timeoutMs / 1000)}s`, {
    hint: "the remote or the network may be slow; try again later",
  });
}

function spawnFailure(error: NodeJS.ErrnoException): SlipwayError {
  if (error.code === "ENOENT") {
    return new SlipwayError("GIT_FAILED", "the git program was not found", { hint: "install git and make sure it is on PATH", cause: error });
  }
  return new SlipwayError("GIT_FAILED", `git could not be started: ${error.message}`, { cause: error });
}

function countRun(args: readonly string[], counts: GitCounts | undefined): void {
  if (!counts) return;
  const command = args[0];
  if (command === "ls-remote") counts.lsRemote++;
  else if (command === "fetch") counts.fetch++;
  else if (command === "clone") counts.clone++;
  else counts.other++;
}
