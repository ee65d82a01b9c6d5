import { StringDecoder } from "node:string_decoder";

/**
 * The engine multiplexes a non-TTY container's stdout and stderr into frames:
 * an 8-byte header (stream byte, 3 zero bytes, big-endian payload length), then the payload.
 * Pure: bytes in, text per stream out.
 */
export type LogStream = "stdout" | "stderr";

export interface LogChunk {
  readonly stream: LogStream;
  readonly text: string;
}

const HEADER = 8;

/** One frame's payload as bytes, so binary output passes through unchanged. */
export interface OutputFrame {
  readonly stream: LogStream;
  readonly bytes: Buffer;
}

export class FrameSplitter {
  #pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes as they arrive; returns the frames they complete. */
  push(bytes: Buffer): OutputFrame[] {
    this.#pending = this.#pending.length === 0 ? bytes : Buffer.concat([this.#pending, bytes]);
    const frames: OutputFrame[] = [];
    while (this.#pending.length >= HEADER) {
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < HEADER + size) break;
      const stream: LogStream = this.#pending[0] === 2 ? "stderr" : "stdout";
      const payload = this.#pending.subarray(HEADER, HEADER + size);
      this.#pending = this.#pending.subarray(HEADER + size);
      if (payload.length > 0) frames.push({ stream, bytes: Buffer.from(payload) });
    }
    return frames;
  }
}

/** The frames as text per stream (UTF-8 decoded across frame boundaries). */
export class LogDemuxer {
  readonly #frames = new FrameSplitter();
  readonly #decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };

  /** Feeds bytes as they arrive; returns the complete frames they finish. */
  push(bytes: Buffer): LogChunk[] {
    const chunks: LogChunk[] = [];
    for (const frame of this.#frames.push(bytes)) {
      const text = this.#decoders[frame.stream].write(frame.bytes);
      if (text !== "") chunks.push({ stream: frame.stream, text });
    }
    return chunks;
  }
}

/** Splits a whole multiplexed log into its stdout and stderr text. */
export function demuxLogs(bytes: Buffer): { stdout: string; stderr: string } {
  const out = { stdout: "", stderr: "" };
  for (const chunk of new LogDemuxer().push(bytes)) out[chunk.stream] += chunk.text;
  return out;
}
