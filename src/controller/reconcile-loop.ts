import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyBaseLogger } from "fastify";
import { connectOptions, reconcileOne, type AppContext, type ReconcileRow } from "../app/index.js";
import { placedHosts } from "../config/index.js";
import { environmentNames, LABEL } from "../deploy/index.js";
import type { Engine, EngineEvent } from "../engine/index.js";
import type { NotifyEventInput } from "../notify/index.js";
import type { WorkQueue } from "../util/work-queue.js";

/** After an engine event, wait this long for the burst that usually follows (die, stop, start). */
const EVENT_SETTLE_MS = 300;
/** A repair that fails is tried again after 1 s, 2 s, 4 s, 8 s, 16 s; then it is reported and left to the next pass. */
const RETRY_BASE_MS = 1_000;
const RETRIES = 5;

export interface ReconcileLoopOptions {
  /** Its engine(environment) gives each environment's engine, whose events are followed. */
  readonly context: AppContext;
  readonly queue: WorkQueue;
  readonly intervalMs: number;
  readonly log: Pick<FastifyBaseLogger, "info" | "warn" | "error">;
  readonly notify: (event: NotifyEventInput) => void;
}

export interface ReconcileLoop {
  start(): Promise<void>;
  /** Queues one pass over every service (or one service in one environment). */
  trigger(reason: string, only?: { service: string; environment: string }): void;
  stop(): Promise<void>;
}

/**
 * The controller's reconcile loop: on engine events about Slipway's containers (a replica
 * started again with a new port, stopped, gone) and every controller.reconcile, each service's
 * current revision is compared with what runs and drift is repaired (src/app/reconcile.ts).
 * Work is keyed per service and environment in the controller's queue, so one repair runs at a
 * time per service; a failing repair is retried with backoff, then reported once.
 */
export function createReconcileLoop(options: ReconcileLoopOptions): ReconcileLoop {
  const { context, queue, log } = options;
  const abort = new AbortController();
  const failures = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let interval: NodeJS.Timeout | undefined;
  const events: Promise<void>[] = [];

  const later = (ms: number, action: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  const submit = (service: string, environment: string, reason: string): void => {
    if (abort.signal.aborted) return;
    const key = `reconcile:${service}@${environment}`;
    queue.submit({
      key,
      label: `reconcile ${service} (${environment}): ${reason}`,
      run: async () => {
        const row = await reconcileOne(context, service, environment, false, (line) => log.info({ service, environment }, line));
        settle(key, row);
      },
    });
  };

  const settle = (key: string, row: ReconcileRow): void => {
    if (row.outcome === "repaired") {
      log.info({ service: row.service, environment: row.environment, steps: row.steps }, "reconcile repaired drift");
      options.notify({
        event: "deploy",
        title: `Repaired ${row.service} in ${row.environment} (revision ${row.revision ?? "?"}): ${row.steps.length} step(s)`,
        subject: row.service,
        environment: row.environment,
        outcome: "succeeded",
        detail: { reconcile: true, steps: row.steps },
      });
    }
    if (row.outcome !== "failed") {
      failures.delete(key);
      return;
    }
    const count = (failures.get(key) ?? 0) + 1;
    failures.set(key, count);
    if (count <= RETRIES) {
      log.warn({ service: row.service, environment: row.environment, error: row.error, attempt: count }, "reconcile failed; trying again");
      later(RETRY_BASE_MS * 2 ** (count - 1), () => submit(row.service, row.environment, `retry ${count}`));
      return;
    }
    if (count === RETRIES + 1) {
      log.error({ service: row.service, environment: row.environment, error: row.error }, "reconcile keeps failing; left to the next pass");
      options.notify({
        event: "rollback",
        title: `${row.service} in ${row.environment} drifted and could not be repaired after ${RETRIES + 1} attempts: ${row.error ?? "unknown error"}`,
        subject: row.service,
        environment: row.environment,
        outcome: "failed",
        detail: { reconcile: true, error: row.error ?? "" },
      });
    }
  };

  const trigger: ReconcileLoop["trigger"] = (reason, only) => {
    if (only !== undefined) return submit(only.service, only.environment, reason);
    const { config } = context.loaded;
    const environments = environmentNames(config);
    for (const environment of environments) {
      for (const [service, definition] of Object.entries(config.services)) {
        if (definition.environments === undefined || definition.environments.includes(environment)) submit(service, environment, reason);
      }
    }
  };

  const pending = new Set<string>();
  const onEvent = (service: string, environment: string, action: string): void => {
    const key = `${service}@${environment}`;
    if (pending.has(key)) return;
    pending.add(key);
    later(EVENT_SETTLE_MS, () => {
      pending.delete(key);
      submit(service, environment, `engine event ${action}`);
    });
  };

  const subscribe = async (engine: () => Promise<Engine>): Promise<AsyncIterable<EngineEvent>> =>
    (await engine()).events({
      filters: { type: ["container"], label: [`${LABEL.managed}=true`], event: ["start", "die", "stop", "destroy", "restart", "health_status"] },
      signal: abort.signal,
    });

  // The event stream ends when the engine restarts (a daemon restart restarts containers on new
  // ports): subscribe again, backing off to 1 s (a restarted engine is seen within a second of answering), and run a full pass once the engine is back.
  // An engine that does not answer yet (another environment's host) is tried the same way.
  const follow = async (engine: () => Promise<Engine>, first: AsyncIterable<EngineEvent> | undefined): Promise<void> => {
    let stream: AsyncIterable<EngineEvent> | undefined = first;
    let wait = 250;
    while (!abort.signal.aborted) {
      try {
        stream ??= await subscribe(engine);
        if (stream !== first) trigger("engine events resumed");
        wait = 250;
        for await (const event of stream) {
          const service = event.attributes[LABEL.service];
          const environment = event.attributes[LABEL.environment];
          if (service !== undefined && environment !== undefined && context.loaded.config.services[service] !== undefined)
            onEvent(service, environment, event.action);
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        log.warn({ err: error }, `engine events interrupted; subscribing again in ${wait} ms`);
      }
      stream = undefined;
      if (abort.signal.aborted) return;
      await sleep(wait, undefined, { signal: abort.signal }).catch(() => undefined);
      wait = Math.min(wait * 2, 1_000);
    }
  };

  return {
    async start() {
      // The default engine is followed before start() returns; each other engine (environments
      // with their own docker_host) in the background, so a host that is down delays nothing.
      const local = () => context.engine();
      events.push(follow(local, await subscribe(local)));
      for (const environment of engineEnvironments(context)) events.push(follow(() => context.engine(environment), undefined));
      // Each host of hosts: an environment runs on: when its engine answers again, a full pass brings it to the current revision.
      for (const host of placedHosts(context.loaded.config)) events.push(follow(() => context.engine(undefined, host), undefined));
      interval = setInterval(() => trigger("interval"), options.intervalMs);
      interval.unref();
      trigger("start");
    },
    trigger,
    async stop() {
      abort.abort();
      if (interval !== undefined) clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(events);
    },
  };
}

/** One environment per engine of its own (docker_host), other than the default engine. */
function engineEnvironments(context: AppContext): string[] {
  const seen = new Map<string, string>();
  for (const environment of Object.keys(context.loaded.config.environments)) {
    const options = connectOptions(context.loaded, environment);
    if (options !== undefined && !seen.has(JSON.stringify(options))) seen.set(JSON.stringify(options), environment);
  }
  return [...seen.values()];
}
