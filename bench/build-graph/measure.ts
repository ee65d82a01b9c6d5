/** Small numeric helpers for the benchmark's figures. */
import { readFileSync } from "node:fs";

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, runs: sorted.length };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Milliseconds since `start` (a performance.now() reading). */
export function since(start: number): number {
  return performance.now() - start;
}

/** Runs `work` and returns how long it took, in milliseconds, with its result. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: since(start), value };
}

/** Milliseconds as people read them: 1.23 s above a second, 12.3 ms below. */
export function formatMs(ms: number): string {
  if (Math.abs(ms) >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/** A plain-text table (also valid Markdown). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** CPU time used so far by this process and by its children that have ended (Linux: /proc/self/stat). */
export interface CpuReading {
  readonly self: NodeJS.CpuUsage;
  readonly childrenMs: number;
}

export function cpuNow(): CpuReading {
  return { self: process.cpuUsage(), childrenMs: endedChildrenCpuMs() };
}

/** CPU milliseconds since `before`: this process (Slipway itself) and its ended children (git). */
export function cpuSince(before: CpuReading): { readonly selfMs: number; readonly childrenMs: number } {
  const self = process.cpuUsage(before.self);
  return { selfMs: (self.user + self.system) / 1000, childrenMs: endedChildrenCpuMs() - before.childrenMs };
}

/** cutime + cstime of /proc/self/stat (fields 16 and 17, in clock ticks of 10 ms); 0 where there is no /proc. */
function endedChildrenCpuMs(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}
