import type Docker from "dockerode";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { containerError } from "./containers.js";
import { LogDemuxer, demuxLogs, type LogChunk } from "./log-frames.js";

export interface LogOptions {
  /** Only the last N lines. */
  readonly tail?: number;
  /** Only lines written at or after this time. */
  readonly since?: Date;
}

/** A container's logs so far, split into stdout and stderr. */
export async function containerLogs(
  docker: Docker,
  endpoint: EngineEndpoint,
  id: string,
  options: LogOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const container = docker.getContainer(id);
  try {
    const tty = (await container.inspect()).Config.Tty;
    const answer: unknown = await container.logs({ follow: false, stdout: true, stderr: true, ...logQuery(options) });
    const bytes = asBuffer(answer);
    return tty ? { stdout: bytes.toString("utf8"), stderr: "" } : demuxLogs(bytes);
  } catch (error) {
    throw containerError(error, endpoint, id, "reading the logs of");
  }
}

/** Follows a container's logs as they are written, until the container stops or `signal` aborts. */
export async function* followLogs(
  docker: Docker,
  endpoint: EngineEndpoint,
  id: string,
  options: LogOptions & { signal?: AbortSignal } = {},
): AsyncGenerator<LogChunk> {
  const container = docker.getContainer(id);
  let stream: NodeJS.ReadableStream;
  let tty: boolean;
  try {
    tty = (await container.inspect()).Config.Tty;
    stream = await container.logs({
      follow: true,
      stdout: true,
      stderr: true,
      ...logQuery(options),
      ...(options.signal === undefined ? {} : { abortSignal: options.signal }),
    });
  } catch (error) {
    if (options.signal?.aborted) return;
    throw containerError(error, endpoint, id, "following the logs of");
  }
  const demuxer = new LogDemuxer();
  try {
    for await (const chunk of stream) {
      const bytes = asBuffer(chunk);
      if (tty) yield { stream: "stdout", text: bytes.toString("utf8") };
      else yield* demuxer.push(bytes);
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    throw containerError(error, endpoint, id, "following the logs of");
  }
}

/** Waits for the container to stop; returns its exit code. */
export async function waitContainer(docker: Docker, endpoint: EngineEndpoint, id: string): Promise<number> {
  try {
    const result: { StatusCode: number } = await docker.getContainer(id).wait();
    return result.StatusCode;
  } catch (error) {
    throw containerError(error, endpoint, id, "waiting for");
  }
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command (argv) in a running container and collects its output and exit code. */
export async function execInContainer(
  docker: Docker,
  endpoint: EngineEndpoint,
  id: string,
  command: readonly string[],
  options: { user?: string; workingDir?: string; env?: Readonly<Record<string, string>> } = {},
): Promise<ExecResult> {
  try {
    const exec = await docker.getContainer(id).exec({
      Cmd: [...command],
      AttachStdout: true,
      AttachStderr: true,
      ...(options.user === undefined ? {} : { User: options.user }),
      ...(options.workingDir === undefined ? {} : { WorkingDir: options.workingDir }),
      ...(options.env === undefined ? {} : { Env: Object.entries(options.env).map(([k, v]) => `${k}=${v}`) }),
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(asBuffer(chunk));
    const output = demuxLogs(Buffer.concat(chunks));
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, ...output };
  } catch (error) {
    throw containerError(error, endpoint, id, "running a command in");
  }
}

function logQuery(options: LogOptions): { tail?: number; since?: number } {
  return {
    ...(options.tail === undefined ? {} : { tail: options.tail }),
    ...(options.since === undefined ? {} : { since: Math.floor(options.since.getTime() / 1000) }),
  };
}

/** dockerode hands back log bodies as Buffers, strings, or (for TTY text that parses as JSON) values. */
function asBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return Buffer.from(JSON.stringify(value), "utf8");
}
