import { randomBytes } from "node:crypto";
import { SocketDuplex, type Engine, type ExecStream } from "../engine/index.js";
import type { AdminChannel } from "../proxy/index.js";

/** An idle session is closed after this long (its exec ends); the next request opens another. */
const IDLE_CLOSE_MS = 30_000;

/**
 * Every shell loop turn waits for a newline, then `nc` carries one HTTP exchange (the request
 * says Connection: close, so Caddy closes and nc exits), then the marker says it is over. A
 * failed connect ends the loop, so nothing is sent again and nothing spins.
 */
const LOOP = 'while read -r _; do /bin/busybox nc "$1" "$2" || exit 1; printf "%s" "$3"; done';

/**
 * The admin API of Slipway's proxy on a host through one long-lived exec in its container,
 * instead of one exec per request: the exec runs a busybox shell loop (LOOP) that opens a new
 * loopback connection to Caddy for each request, so requests cost a round trip to the host, not
 * an exec each (about 2 ms against 40–130 ms, docs/benchmarks.md). Requests go one at a time. A
 * session that fails or times out is dropped and the next request opens another; an idle one
 * does not keep Node running and is closed after IDLE_CLOSE_MS. Needs /bin/busybox in the
 * container, which Slipway's proxy image has (src/host-proxy/image.ts).
 */
export function sessionChannel(engine: Engine, containerId: string, adminAddress: string): AdminChannel {
  const [host = "127.0.0.1", port = ""] = adminAddress.split(":");
  let session: Promise<Session> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const open = (): Promise<Session> => {
    const marker = randomBytes(16).toString("hex");
    const opening = engine.openExec(containerId, ["/bin/busybox", "sh", "-c", LOOP, "slipway-admin", host, port, marker]).then(
      (stream) =>
        new Session(stream, Buffer.from(marker), () => {
          if (session === opening) session = undefined;
        }),
    );
    opening.catch(() => {
      if (session === opening) session = undefined;
    });
    return opening;
  };
  return {
    adminAddress,
    connect: () => {
      const turn = queue.then(async () => {
        session ??= open();
        return (await session).lease();
      });
      // The next request starts once this one's exchange is over, however it ended.
      queue = turn.then(
        (lease) => lease.over,
        () => undefined,
      );
      return turn;
    },
  };
}

class Session {
  readonly #stream: ExecStream;
  readonly #marker: Buffer;
  readonly #closed: () => void;
  #pending = Buffer.alloc(0);
  #current: Lease | undefined;
  #idle: NodeJS.Timeout | undefined;
  #dead = false;

  constructor(stream: ExecStream, marker: Buffer, closed: () => void) {
    this.#stream = stream;
    this.#marker = marker;
    this.#closed = closed;
    stream.on("data", (bytes: Buffer) => this.#receive(bytes));
    stream.on("end", () => this.#die(new Error(`the admin session ended${stderrOf(stream)}`)));
    stream.on("close", () => this.#die(new Error(`the admin session closed${stderrOf(stream)}`)));
    stream.on("error", (error: Error) => this.#die(error));
    this.#rest();
  }

  lease(): Lease {
    if (this.#dead) throw new Error(`the admin session ended${stderrOf(this.#stream)}`);
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#stream.ref();
    const lease = new Lease(
      (chunk) => this.#stream.write(chunk),
      () => this.#die(new Error("the admin request was abandoned")),
    );
    this.#current = lease;
    void lease.over.then(() => {
      if (this.#current === lease) this.#current = undefined;
      if (!this.#dead) this.#rest();
    });
    return lease;
  }

  /** Bytes up to the marker are the current exchange's answer; the marker ends it. */
  #receive(bytes: Buffer): void {
    const buffer = Buffer.concat([this.#pending, bytes]);
    const at = buffer.indexOf(this.#marker);
    const lease = this.#current;
    if (at < 0) {
      const keep = Math.min(buffer.length, this.#marker.length - 1);
      lease?.answer(buffer.subarray(0, buffer.length - keep));
      this.#pending = buffer.subarray(buffer.length - keep);
      return;
    }
    this.#pending = Buffer.alloc(0);
    if (lease === undefined || at + this.#marker.length !== buffer.length) return this.#die(new Error("the admin session is out of step"));
    lease.answer(buffer.subarray(0, at));
    lease.finish();
  }

  /** Idle: it no longer keeps Node running, and closes after a while. */
  #rest(): void {
    this.#stream.unref();
    this.#idle = setTimeout(() => this.#die(new Error("the admin session was idle")), IDLE_CLOSE_MS);
    this.#idle.unref();
  }

  #die(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#closed();
    this.#current?.fail(error);
    this.#stream.destroy();
  }
}

/** One HTTP exchange over the session, as the socket node:http's client writes to and reads from. */
class Lease extends SocketDuplex {
  readonly over: Promise<void>;
  #release: () => void = () => undefined;
  #started = false;
  #finished = false;

  constructor(
    private readonly send: (chunk: Buffer) => void,
    private readonly abandon: () => void,
  ) {
    super();
    this.over = new Promise((resolve) => (this.#release = resolve));
  }

  answer(bytes: Buffer): void {
    this.touch();
    if (bytes.length > 0) this.push(bytes);
  }

  /** The exchange is over: the reader gets the end, the session takes the next request. */
  finish(): void {
    this.#finished = true;
    this.stopTimer();
    this.push(null);
    this.#release();
  }

  fail(error: Error): void {
    if (this.#finished) return;
    this.stopTimer();
    this.destroy(error);
    this.#release();
  }

  override _read(): void {
    // Answers are pushed as they arrive: the admin API's are small.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#finished) return callback();
    this.touch();
    // The newline lets the session's loop start nc, which then reads the request.
    this.send(this.#started ? chunk : Buffer.concat([Buffer.from("\n"), chunk]));
    this.#started = true;
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stopTimer();
    // Given up before its answer ended: where the session stands is unknown, so it goes too.
    if (!this.#finished) this.abandon();
    this.#release();
    callback(error);
  }

  // Node's http client references and unreferences its socket; the session decides that (Session.#rest).
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

function stderrOf(stream: ExecStream): string {
  const words = stream.stderr.trim().split("\n").pop()?.trim() ?? "";
  return words === "" ? "" : ` (${words})`;
}
