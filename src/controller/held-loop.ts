import type { FastifyBaseLogger } from "fastify";
import { gateDeps, heldRunner, runDueHeld, type AppContext } from "../app/index.js";
import type { WorkQueue } from "../util/work-queue.js";

export interface HeldLoop {
  start(): void;
  /** Looks at the held deploys now (an approval arrived, a freeze ended). */
  poke(reason: string): void;
  stop(): void;
}

/**
 * The controller's look at held deploys: every `intervalMs` (a window opening, a freeze or a
 * deadline passing are all found by the clock) and when poked, one pass in the work queue under
 * the key "held" decides each waiting deploy again and runs the ones whose gate opened.
 */
export function createHeldLoop(options: {
  context: AppContext;
  queue: WorkQueue;
  intervalMs: number;
  log: Pick<FastifyBaseLogger, "info" | "warn" | "error">;
}): HeldLoop {
  const { context, queue, log } = options;
  let timer: NodeJS.Timeout | undefined;
  const deps = gateDeps(context);

  const poke = (reason: string): void => {
    queue.submit({
      key: "held",
      label: `held deploys (${reason})`,
      run: async () => {
        if ((await context.store.listHeld({ status: "waiting", limit: 1 })).length === 0) return;
        const outcomes = await runDueHeld(
          deps,
          heldRunner(context, (line) => log.info(line)),
        );
        for (const outcome of outcomes) log.info({ ...outcome }, `held deploy #${outcome.id} ${outcome.status}`);
      },
    });
  };

  return {
    start() {
      timer = setInterval(() => poke("clock"), options.intervalMs);
      timer.unref();
      poke("start");
    },
    poke,
    stop() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
}
