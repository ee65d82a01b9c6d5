import type Docker from "dockerode";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { containerError } from "./containers.js";
import { FrameSplitter } from "./log-frames.js";
import { SocketDuplex } from "./socket-duplex.js";

/**
 * A byte stream to a command running in a container, through the engine's API: what is written
 * reaches the command's stdin, what it prints on stdout is read. Its stderr is kept for errors.
 * It ends when the command exits. With `setTimeout` it can carry an HTTP client's connection
 * (node:http's createConnection), e.g. to a port on the container's own loopback.
 */
export class ExecStream extends SocketDuplex {
  readonly #socket: NodeJS.ReadWriteStream & { destroy(error?: Error): void };
  readonly #frames = new FrameSplitter();
  #stderr = "";

  constructor(socket: NodeJS.ReadWriteStream & { destroy(error?: Error): void }) {
    super();
    this.#socket = socket;
    socket.on("data", (bytes: Buffer) => {
      this.touch();
      for (const frame of this.#frames.push(bytes)) {
        if (frame.stream === "stderr") this.#stderr = (this.#stderr + frame.bytes.toString("utf8")).slice(-2_000);
        else if (!this.push(frame.bytes)) socket.pause();
      }
    });
    socket.on("end", () => this.push(null));
    socket.on("error", (error: Error) => this.destroy(error));
  }

  /** What the command wrote on stderr (its last 2 000 characters). */
  get stderr(): string {
    return this.#stderr;
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.touch();
    this.#socket.write(chunk, (error?: Error | null) => callback(error));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stopTimer();
    this.#socket.destroy();
    callback(error);
  }

  /** As net.Socket's: whether the connection to the engine keeps Node running (it does unless unreferenced). */
  ref(): this {
    (this.#socket as { ref?: () => unknown }).ref?.();
    return this;
  }

  unref(): this {
    (this.#socket as { unref?: () => unknown }).unref?.();
    return this;
  }
}

/** Starts `command` in a running container with its stdin and stdout attached (no TTY, so bytes pass unchanged). */
export async function openExecStream(docker: Docker, endpoint: EngineEndpoint, id: string, command: readonly string[]): Promise<ExecStream> {
  try {
    const exec = await docker.getContainer(id).exec({ Cmd: [...command], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false });
    const socket = (await exec.start({ hijack: true, stdin: true })) as NodeJS.ReadWriteStream & { destroy(error?: Error): void };
    return new ExecStream(socket);
  } catch (error) {
    throw containerError(error, endpoint, id, "running a command in");
  }
}
