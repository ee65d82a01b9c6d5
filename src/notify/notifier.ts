import type { NotifyConfig } from "../config/notify-schema.js";
import { deliver, type DeliveryOutcome } from "./deliver.js";
import { eventPayload } from "./event-payload.js";
import { targetFor } from "./targets.js";
import type { NotifyEventInput, NotifyLog, NotifyTarget } from "./types.js";

export interface NotifierOptions {
  /** Where delivery failures (warn) and deliveries (info) are logged; default: warnings to stderr. */
  readonly log?: NotifyLog;
  readonly fetch?: typeof fetch;
  /** Attempts after the first, for network errors, 408, 429 and 5xx; default 5. */
  readonly retries?: number;
  /** The first backoff, doubled per retry (with jitter); default 1000 ms. */
  readonly baseDelayMs?: number;
  /** The longest backoff; default 60 s. */
  readonly maxDelayMs?: number;
  /** The longest Retry-After waited out; a longer one ends the delivery; default 5 min. */
  readonly maxRetryAfterMs?: number;
  /** Time limit of one attempt; default 10 s. */
  readonly timeoutMs?: number;
  /** [0, 1) for the jitter; default Math.random. */
  readonly random?: () => number;
}

export interface Notifier {
  /** Sends the event to every notifier that wants it, in the background: never throws, never waits. */
  notify(event: NotifyEventInput): void;
  /** Waits until nothing is being delivered, or `timeoutMs` passed. */
  flush(timeoutMs?: number): Promise<void>;
  /** Deliveries in progress (one per event and notifier). */
  pending(): number;
  /** For shutdown: no new deliveries, waits up to `timeoutMs` for those in progress, then cancels the rest. */
  close(timeoutMs?: number): Promise<void>;
}

const DEFAULTS = { retries: 5, baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 5 * 60_000, timeoutMs: 10_000 } as const;

/** The notifiers of `notify:`. Each delivery runs on its own: a slow or failing one holds up nothing. */
export function createNotifier(configs: readonly NotifyConfig[], options: NotifierOptions = {}): Notifier {
  const targets = configs.map(targetFor);
  const log = options.log ?? stderrLog;
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<DeliveryOutcome | undefined>>();
  let closed = false;
  const deliverOptions = {
    fetch: options.fetch ?? fetch,
    retries: options.retries ?? DEFAULTS.retries,
    baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    random: options.random ?? Math.random,
    signal: shutdown.signal,
    log,
  };

  const start = (target: NotifyTarget, event: ReturnType<typeof eventPayload>): void => {
    const delivery: Promise<DeliveryOutcome | undefined> = deliver(target, event, deliverOptions)
      .catch((error: unknown) => {
        log.warn({ notifier: target.label, event: event.event, error: String(error) }, `notification to ${target.label} failed unexpectedly`);
        return undefined;
      })
      .finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  };

  const flush = async (timeoutMs?: number): Promise<void> => {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    while (inFlight.size > 0) {
      const left = deadline === undefined ? undefined : deadline - Date.now();
      if (left !== undefined && left <= 0) return;
      await settledOrTimeout([...inFlight], left);
    }
  };

  return {
    notify(input) {
      try {
        if (closed) {
          log.warn({ event: input.event, subject: input.subject }, "notification dropped: the notifier is closed");
          return;
        }
        const event = eventPayload(input);
        for (const target of targets) {
          if (target.events === undefined || target.events.includes(event.event)) start(target, event);
        }
      } catch (error) {
        log.warn({ event: input.event, error: String(error) }, "notification could not be prepared");
      }
    },
    flush,
    pending: () => inFlight.size,
    async close(timeoutMs) {
      closed = true;
      await flush(timeoutMs);
      shutdown.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}

async function settledOrTimeout(promises: readonly Promise<unknown>[], timeoutMs: number | undefined): Promise<void> {
  const all = Promise.allSettled(promises).then(() => undefined);
  if (timeoutMs === undefined) return all;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([all, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const stderrLog: NotifyLog = {
  info() {},
  warn(_fields, message) {
    process.stderr.write(`slipway notify: ${message}\n`);
  },
};
