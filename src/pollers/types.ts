import type { Store } from "../store/index.js";

/** The subset of a structured logger (pino, Fastify's app.log) a poller writes to. */
export interface PollerLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** A watched value moved: `previous` is undefined the first time the key is ever seen. */
export interface WatchChange {
  readonly previous?: string;
  readonly current: string;
}

/** Where a poller's timers come from: unref'd Node timers, or a test's recorder. */
export interface PollerTimers {
  /** Calls `callback` after `ms`; returns what cancels it. */
  set(callback: () => void, ms: number): () => void;
}

export interface PollerOptions {
  /** Names the poller in logs: "source app1", "tag myorg/foo:qa". */
  readonly name: string;
  /** The time between checks when all is well. */
  readonly intervalMs: number;
  /** 0..1: each delay is interval × (1 ± jitter × random); default 0.1. */
  readonly jitter?: number;
  /** Reads the current value (a commit, a digest). Aborted when the poller stops. */
  readonly check: (signal: AbortSignal) => Promise<string>;
  /** Where the last value seen is kept (watch_state), so a restart neither re-fires nor misses a change. */
  readonly store: Pick<Store, "getWatch" | "setWatch">;
  /** The watch_state key: `source:<name>`, `tag:<repository>:<tag>`. */
  readonly key: string;
  /** Called when the value differs from the stored one; the new value is stored only once it resolves. */
  readonly onChange: (change: WatchChange) => void | Promise<void>;
  /** Fire onChange (with no `previous`) when the key has never been seen; default true. */
  readonly fireOnFirstSight?: boolean;
  /** The longest wait after failures (backoff cap, before jitter); default 1 h, never less than the interval. */
  readonly maxBackoffMs?: number;
  /** After a successful check, the least time to wait before the next (a rate limit with nothing left); default none. */
  readonly cooldownMs?: () => number | undefined;
  readonly log?: PollerLog;
  /** [0, 1); default Math.random. */
  readonly random?: () => number;
  readonly timers?: PollerTimers;
}

export interface Poller {
  /** Starts checking: the first check within interval × jitter, then every interval. */
  start(): void;
  /** Stops the timer and cancels a check in progress; waits for an onChange in progress. */
  stop(): Promise<void>;
  /** Checks now (after a check in progress); rejects with the check's error. */
  checkNow(): Promise<void>;
}
