import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { sendAttempt } from "./attempt.js";
import { isRetryable, retryDelayMs, type AttemptResult, type RetryTiming } from "./retry-delay.js";
import type { NotifyEventPayload, NotifyLog, NotifyTarget } from "./types.js";

export interface DeliverOptions extends RetryTiming {
  readonly fetch: typeof fetch;
  /** Attempts after the first. */
  readonly retries: number;
  /** Time limit of one attempt. */
  readonly timeoutMs: number;
  /** Aborts the delivery (shutdown): the current attempt and any wait. */
  readonly signal: AbortSignal;
  readonly log: NotifyLog;
}

/** How a delivery ended. */
export interface DeliveryOutcome {
  readonly delivered: boolean;
  readonly attempts: number;
  /** Why it was not delivered, for the log. */
  readonly reason?: string;
}

/**
 * Delivers one event to one target: attempts, and retries with backoff while the answer is
 * retryable. Never throws. Every attempt of one delivery carries the same delivery id.
 */
export async function deliver(target: NotifyTarget, event: NotifyEventPayload, options: DeliverOptions): Promise<DeliveryOutcome> {
  const id = randomUUID();
  const fields = { notifier: target.label, event: event.event, subject: event.subject, delivery: id };
  for (let attempt = 1; ; attempt += 1) {
    const request = target.request(event, { id, timestamp: Math.floor(Date.now() / 1000) });
    const result = await sendAttempt(request, options);
    if (result.kind === "delivered") {
      options.log.info({ ...fields, attempts: attempt, status: result.status }, `notification delivered to ${target.label}`);
      return { delivered: true, attempts: attempt };
    }
    const reason = describe(result);
    const delay = nextDelay(result, attempt, options);
    if (delay === undefined || options.signal.aborted) return giveUp(target, fields, attempt, reason, options);
    options.log.warn({ ...fields, attempt, reason, retryInMs: delay }, `notification to ${target.label} failed (${reason}); retrying in ${seconds(delay)}`);
    try {
      await sleep(delay, undefined, { signal: options.signal });
    } catch {
      return giveUp(target, fields, attempt, `${reason}; cancelled at shutdown`, options);
    }
  }
}

function nextDelay(result: AttemptResult, attempt: number, options: DeliverOptions): number | undefined {
  if (!isRetryable(result) || attempt > options.retries) return undefined;
  return retryDelayMs(attempt - 1, result.kind === "status" ? result.retryAfterMs : undefined, options);
}

function giveUp(target: NotifyTarget, fields: Record<string, unknown>, attempts: number, reason: string, options: DeliverOptions): DeliveryOutcome {
  const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
  options.log.warn({ ...fields, attempts, reason }, `notification to ${target.label} not delivered after ${tries}: ${reason}`);
  return { delivered: false, attempts, reason };
}

function describe(result: AttemptResult): string {
  if (result.kind === "network") return result.message;
  if (result.kind === "delivered") return `HTTP ${result.status}`;
  const wait = result.status === 429 && result.retryAfterMs !== undefined ? `, Retry-After ${seconds(result.retryAfterMs)}` : "";
  return `HTTP ${result.status}${wait}${result.said === undefined ? "" : `: ${result.said}`}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
