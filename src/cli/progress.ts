import type { ProgressEvent } from "../engine/index.js";

/**
 * Progress for anything that takes more than a second (build, push, pull), rendered for
 * where it goes: on a terminal, one status line rewritten in place; in a log or a pipe,
 * plain lines, with byte counts at most every few seconds. Several tasks at once (a build
 * with --jobs) prefix their lines with the task's name.
 */
export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface TaskProgress {
  event(event: ProgressEvent): void;
  /** A line of Slipway's own ("running test ..."). */
  note(text: string): void;
  done(summary: string): void;
}

export interface ProgressRenderer {
  task(name: string, verb: string): TaskProgress;
}

const PLAIN_BYTES_INTERVAL_MS = 3_000;

export function createProgressRenderer(out: ProgressOutput = process.stderr, options: { quiet?: boolean; now?: () => number } = {}): ProgressRenderer {
  const now = options.now ?? Date.now;
  const live = new Set<string>();
  let statusShown = false;

  const clearStatus = (): void => {
    if (statusShown) out.write("\r\x1b[K");
    statusShown = false;
  };
  const line = (name: string, text: string): void => {
    if (options.quiet) return;
    clearStatus();
    out.write(`${live.size > 1 ? `[${name}] ` : ""}${text}\n`);
  };
  const status = (name: string, text: string): void => {
    if (options.quiet) return;
    out.write(`\r\x1b[K${live.size > 1 ? `[${name}] ` : ""}${text}`);
    statusShown = true;
  };

  return {
    task(name, verb) {
      live.add(name);
      let lastPlainBytes = 0;
      let partial = "";
      return {
        event(event) {
          switch (event.kind) {
            case "step":
              line(name, `${verb} ${name}: step ${event.index}/${event.count}: ${oneLine(event.instruction)}`);
              return;
            case "output": {
              const lines = (partial + event.text).split("\n");
              partial = lines.pop() ?? "";
              for (const text of lines) if (text.trim() !== "" && !text.startsWith(" ---> ")) line(name, `  ${text}`);
              return;
            }
            case "bytes": {
              const text = `${verb} ${name}: ${formatBytes(event.current)} / ${formatBytes(event.total)}`;
              if (out.isTTY === true) status(name, text);
              else if (now() - lastPlainBytes >= PLAIN_BYTES_INTERVAL_MS) {
                lastPlainBytes = now();
                line(name, text);
              }
              return;
            }
            case "error":
              line(name, `  error: ${event.message}`);
              return;
            default:
              return;
          }
        },
        note(text) {
          line(name, text);
        },
        done(summary) {
          if (partial.trim() !== "") line(name, `  ${partial}`);
          partial = "";
          line(name, summary);
          live.delete(name);
        },
      };
    },
  };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}
