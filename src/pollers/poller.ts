import { redactText } from "../util/secret.js";
import { firstDelayMs, nextDelayMs } from "./delay.js";
import { rateLimitWaitMs } from "./rate-limit-wait.js";
import { nodeTimers } from "./timers.js";
import type { Poller, PollerLog, PollerOptions, WatchChange } from "./types.js";
import { untilAborted } from "./until-aborted.js";

/** How one check ended, and how long to wait before the next. */
type Outcome = { readonly ok: true; readonly delayMs: number } | { readonly ok: false; readonly error: unknown; readonly delayMs: number };

const DEFAULT_JITTER = 0.1;
const DEFAULT_MAX_BACKOFF_MS = 60 * 60_000;

/**
 * Checks a value every interval (with jitter) and calls onChange when it differs from the one
 * kept in the store; the new value is stored only after onChange resolves, so a change whose
 * handling failed is seen again on the next check. Failures back off exponentially; a
 * registry's Retry-After is waited out. One check at a time.
 */
export function createPoller(options: PollerOptions): Poller {
  const jitter = options.jitter ?? DEFAULT_JITTER;
  const random = options.random ?? Math.random;
  const timers = options.timers ?? nodeTimers;
  const log = options.log ?? stderrLog;
  const fields = { poller: options.name, key: options.key };
  let failures = 0;
  let running = false;
  let generation = 0;
  let cancelTimer: (() => void) | undefined;
  let abort = new AbortController();
  let tail: Promise<Outcome> = Promise.resolve({ ok: true, delayMs: 0 });
  let queued: Promise<Outcome> | undefined;

  const delayAfter = (waitAtLeastMs: number | undefined): number =>
    nextDelayMs({ intervalMs: options.intervalMs, jitter, failures, maxBackoffMs: options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS, waitAtLeastMs, random });

  async function checkOnce(): Promise<Outcome> {
    const signal = abort.signal;
    let acting: WatchChange | undefined;
    try {
      const current = await untilAborted(options.check(signal), signal);
      const stored = await options.store.getWatch(options.key);
      if (signal.aborted) return { ok: true, delayMs: 0 };
      if (stored?.value !== current && (stored !== undefined || options.fireOnFirstSight !== false)) {
        acting = stored === undefined ? { current } : { previous: stored.value, current };
        await options.onChange(acting);
        log.info({ ...fields, ...acting }, `${options.name}: ${short(acting.previous)} -> ${short(current)}`);
      }
      await options.store.setWatch(options.key, current);
      failures = 0;
      return { ok: true, delayMs: delayAfter(options.cooldownMs?.()) };
    } catch (error) {
      if (signal.aborted && error === signal.reason) return { ok: true, delayMs: 0 };
      failures += 1;
      const delayMs = delayAfter(rateLimitWaitMs(error));
      const what = acting === undefined ? "check failed" : `handling the change to ${short(acting.current)} failed (it is retried)`;
      const said = redactText(error instanceof Error ? error.message : String(error));
      log.warn({ ...fields, failures, error: said, retryInMs: delayMs }, `${options.name}: ${what}: ${said}; next check in ${seconds(delayMs)}`);
      return { ok: false, error, delayMs };
    }
  }

  function enqueue(): Promise<Outcome> {
    if (queued !== undefined) return queued;
    const next = tail.then(() => {
      queued = undefined;
      return checkOnce();
    });
    queued = next;
    tail = next;
    return next;
  }

  function schedule(delayMs: number, forGeneration: number): void {
    if (!running || forGeneration !== generation) return;
    cancelTimer = timers.set(() => {
      cancelTimer = undefined;
      void tick(forGeneration);
    }, delayMs);
  }

  async function tick(forGeneration: number): Promise<void> {
    const outcome = await enqueue();
    schedule(outcome.delayMs, forGeneration);
  }

  return {
    start() {
      if (running) return;
      running = true;
      generation += 1;
      schedule(firstDelayMs(options.intervalMs, jitter, random), generation);
    },
    async stop() {
      running = false;
      cancelTimer?.();
      cancelTimer = undefined;
      abort.abort(new Error(`${options.name}: stopped`));
      await tail;
      abort = new AbortController();
    },
    async checkNow() {
      const outcome = await enqueue();
      if (!outcome.ok) throw outcome.error;
    },
  };
}

/** A commit or digest as a person scans it: the first 12 characters of the hex. */
function short(value: string | undefined): string {
  if (value === undefined) return "(none)";
  const hex = value.replace(/^sha256:/, "");
  return hex === value ? value.slice(0, 12) : `sha256:${hex.slice(0, 12)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

const stderrLog: PollerLog = {
  info() {},
  warn(_fields, message) {
    process.stderr.write(`slipway poller: ${message}\n`);
  },
};
