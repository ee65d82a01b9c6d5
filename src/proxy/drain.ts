import { setTimeout as sleep } from "node:timers/promises";
import type { Proxy } from "./types.js";

export interface DrainOptions {
  readonly timeoutMs: number;
  /** How often to ask the proxy; 100 ms unless given. */
  readonly intervalMs?: number;
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
export async function waitDrained(proxy: Pick<Proxy, "upstreamStatus">, upstreams: readonly string[], options: DrainOptions): Promise<DrainReport> {
  const started = Date.now();
  const wanted = new Set(upstreams);
  for (;;) {
    const status = await proxy.upstreamStatus();
    const inFlight = Object.fromEntries(status.filter((u) => wanted.has(u.address) && u.numRequests > 0).map((u) => [u.address, u.numRequests]));
    const waitedMs = Date.now() - started;
    if (Object.keys(inFlight).length === 0) return { drained: true, waitedMs, inFlight };
    if (waitedMs >= options.timeoutMs) return { drained: false, waitedMs, inFlight };
    await sleep(Math.min(options.intervalMs ?? 100, Math.max(1, options.timeoutMs - waitedMs)), undefined, { signal: options.signal });
  }
}
