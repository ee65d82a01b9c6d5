/**
 * The engine multiplexes a non-TTY container's stdout and stderr into frames: an 8-byte header
 * (stream byte, 3 zero bytes, big-endian payload length), then the payload. This splitter keeps
 * the payload as bytes, so binary output passes through unchanged. Pure.
 */
export interface OutputFrame {
  readonly stream: "stdout" | "stderr";
  readonly bytes: Buffer;
}

const HEADER = 8;

export class FrameSplitter {
  #pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes as they arrive; returns the frames they complete. */
  push(bytes: Buffer): OutputFrame[] {
    this.#pending = this.#pending.length === 0 ? bytes : Buffer.concat([this.#pending, bytes]);
    const frames: OutputFrame[] = [];
    while (this.#pending.length >= HEADER) {
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < HEADER + size) break;
      const stream = this.#pending[0] === 2 ? "stderr" : "stdout";
      const payload = this.#pending.subarray(HEADER, HEADER + size);
      this.#pending = this.#pending.subarray(HEADER + size);
      if (payload.length > 0) frames.push({ stream, bytes: Buffer.from(payload) });
    }
    return frames;
  }
}
