import type { ContainerSpec, Engine } from "../engine/index.js";
import { FrameSplitter } from "../engine/index.js";

/** The terminal side of a launch: where input comes from and output goes. */
export interface LaunchIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  readonly stdout: NodeJS.WritableStream & { readonly columns?: number; readonly rows?: number };
  readonly stderr: NodeJS.WritableStream;
  /** Forward stdin to the container (it is a terminal, a pipe or a file). */
  readonly attachStdin: boolean;
  /** Give the container a TTY (stdin and stdout are both terminals). */
  readonly tty: boolean;
  /** Copy output to stdout/stderr (false: only `onOutput` sees it). */
  readonly echo: boolean;
}

export interface RunOptions {
  /** Sees every chunk of output, e.g. to write a job log. */
  readonly onOutput?: (bytes: Buffer, stream: "stdout" | "stderr") => void;
  /** Signals that stop the container; default SIGINT and SIGTERM of this process. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Seconds between the stop signal and SIGKILL. Default 10. */
  readonly stopTimeoutSeconds?: number;
}

const DEFAULT_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
const OUTPUT_GRACE_MS = 2_000;

/**
 * Creates the container with its streams attached, starts it, forwards stdin and output,
 * stops it on SIGINT/SIGTERM, waits for it, and removes it. Returns its exit code.
 */
export async function runAttached(engine: Engine, spec: ContainerSpec, io: LaunchIo, options: RunOptions = {}): Promise<number> {
  const attached = await engine.createAttached({ ...spec, tty: io.tty }, { stdin: io.attachStdin });
  const cleanups: Array<() => void> = [];
  try {
    const drained = forwardOutput(attached.output, io, options.onOutput);
    const stop = (): void => {
      void engine.stopContainer(attached.id, { timeoutSeconds: options.stopTimeoutSeconds ?? 10 }).catch(() => undefined);
    };
    for (const signal of options.signals ?? DEFAULT_SIGNALS) {
      process.on(signal, stop);
      cleanups.push(() => process.off(signal, stop));
    }
    await engine.startContainer(attached.id);
    if (io.tty) cleanups.push(followTerminalSize(io, attached.resize));
    if (attached.input !== undefined) cleanups.push(forwardInput(io, attached.input));
    const exitCode = await engine.wait(attached.id);
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, OUTPUT_GRACE_MS).unref())]);
    return exitCode;
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
    await engine.removeContainer(attached.id, { force: true }).catch(() => undefined);
  }
}

/** Resolves when the output stream ends (the container stopped and the engine closed it). */
function forwardOutput(output: NodeJS.ReadableStream, io: LaunchIo, onOutput: RunOptions["onOutput"]): Promise<void> {
  const emit = (bytes: Buffer, stream: "stdout" | "stderr"): void => {
    onOutput?.(bytes, stream);
    if (io.echo) (stream === "stdout" ? io.stdout : io.stderr).write(bytes);
  };
  const splitter = new FrameSplitter();
  output.on("data", (chunk: Buffer | string) => {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    if (io.tty) emit(bytes, "stdout");
    else for (const frame of splitter.push(bytes)) emit(frame.bytes, frame.stream);
  });
  return new Promise((resolve) => {
    output.once("end", () => resolve());
    output.once("close", () => resolve());
    output.once("error", () => resolve());
  });
}

/** Pipes stdin into the container; its end-of-file closes the container's stdin. Returns the undo. */
function forwardInput(io: LaunchIo, input: NodeJS.WritableStream): () => void {
  const raw = io.tty && io.stdin.isTTY === true && io.stdin.setRawMode !== undefined;
  if (raw) io.stdin.setRawMode?.(true);
  io.stdin.pipe(input);
  return () => {
    io.stdin.unpipe(input);
    if (raw) io.stdin.setRawMode?.(false);
    io.stdin.pause();
  };
}

/** Sizes the container's TTY like the terminal, now and on every resize. Returns the undo. */
function followTerminalSize(io: LaunchIo, resize: (rows: number, columns: number) => Promise<void>): () => void {
  const apply = (): void => {
    if (io.stdout.rows !== undefined && io.stdout.columns !== undefined) void resize(io.stdout.rows, io.stdout.columns).catch(() => undefined);
  };
  apply();
  io.stdout.on("resize", apply);
  return () => io.stdout.off("resize", apply);
}
