import { Writable } from "node:stream";

/** One line of the controller's structured log (pino): `time` is epoch ms. */
export interface LogEntry {
  readonly time: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface LogCapture {
  /** Give this to startController's `logger.stream`. */
  readonly stream: Writable;
  /** Every entry so far, oldest first. */
  readonly entries: LogEntry[];
}

/** Collects the controller's JSON log lines in memory, so the bench can see when things happened. */
export function captureLog(): LogCapture {
  const entries: LogEntry[] = [];
  let partial = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line.trim() === "") continue;
        try {
          const parsed = JSON.parse(line) as Partial<LogEntry>;
          if (typeof parsed.time === "number") entries.push({ ...parsed, time: parsed.time, msg: String(parsed.msg ?? "") });
        } catch {
          // not JSON: not ours to read
        }
      }
      done();
    },
  });
  return { stream, entries };
}
