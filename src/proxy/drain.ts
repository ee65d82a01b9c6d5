import { setTimeout as sleep } from "node:timers/promises";
import type { UpstreamStatus } from "./types.js";

/** What a drain needs of the proxy: its in-flight counts (Proxy.upstreamStatus). */
export interface InFlightSource {
  upstreamStatus(): Promise<readonly Pick<UpstreamStatus, "address" | "numRequests">[]>;
}

export interface DrainOptions {
  readonly timeoutMs: number;
  /** How often to ask the proxy; 100 ms unless given. */
  readonly intervalMs?: number;
  /**
   * Drained only once no request has been in flight for this long (two looks at least this far
   * apart), so a request the proxy accepted just before a switch but had not yet sent on is
   * counted too. 0 (the first empty look is enough) unless given.
   */
  readonly quietMs?: number;
  readonly signal?: AbortSignal;
}

export interface DrainReport {
  /** True when none of the upstreams had a request in flight at the last look. */
  readonly drained: boolean;
  readonly waitedMs: number;
  /** Requests still in flight per upstream at the last look (drained upstreams omitted). */
  readonly inFlight: Readonly<Record<string, number>>;
}

/**
 * Waits until Caddy reports no in-flight requests to any of `upstreams` (after a switch, the
 * previous revision's), or until the timeout; the report says which. An upstream Caddy no longer
 * knows has nothing in flight through it.
 */
export async function waitDrained(proxy: InFlightSource, upstreams: readonly string[], options: DrainOptions): Promise<DrainReport> {
  const started = Date.now();
  const wanted = new Set(upstreams);
  const quietMs = options.quietMs ?? 0;
  let quietSince: number | undefined;
  for (;;) {
    const looked = Date.now();
    const status = await proxy.upstreamStatus();
    const inFlight = Object.fromEntries(status.filter((u) => wanted.has(u.address) && u.numRequests > 0).map((u) => [u.address, u.numRequests]));
    const waitedMs = Date.now() - started;
    const empty = Object.keys(inFlight).length === 0;
    quietSince = empty ? (quietSince ?? looked) : undefined;
    if (quietSince !== undefined && looked - quietSince >= quietMs) return { drained: true, waitedMs, inFlight };
    if (waitedMs >= options.timeoutMs) return { drained: empty, waitedMs, inFlight };
    const untilQuiet = quietSince === undefined ? Number.POSITIVE_INFINITY : quietSince + quietMs - Date.now();
    const pause = Math.min(options.intervalMs ?? 100, Math.max(1, untilQuiet), Math.max(1, options.timeoutMs - waitedMs));
    await sleep(pause, undefined, { signal: options.signal });
  }
}
