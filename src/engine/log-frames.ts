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

export class LogDemuxer {
  #pending: Buffer = Buffer.alloc(0);
  readonly #decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };

  /** Feeds bytes as they arrive; returns the complete frames they finish. */
  push(bytes: Buffer): LogChunk[] {
    this.#pending = this.#pending.length === 0 ? bytes : Buffer.concat([this.#pending, bytes]);
    const chunks: LogChunk[] = [];
    while (this.#pending.length >= HEADER) {
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < HEADER + size) break;
      const stream: LogStream = this.#pending[0] === 2 ? "stderr" : "stdout";
      const text = this.#decoders[stream].write(this.#pending.subarray(HEADER, HEADER + size));
      this.#pending = this.#pending.subarray(HEADER + size);
      if (text !== "") chunks.push({ stream, text });
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
