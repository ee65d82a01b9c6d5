import type { FastifyBaseLogger } from "fastify";
import type { Leadership, Store } from "../store/index.js";
import type { Hint, HintMeta, ProviderId } from "../webhooks/index.js";

export interface InboxLoop {
  stop(): Promise<void>;
}

/**
 * The leader's inbox of webhook deliveries other controllers (or it) accepted: taken when a
 * controller queues to it (LISTEN/NOTIFY on PostgreSQL) and every second, each item acted on
 * once by `act` and marked done, on `fenced`, the store of the term that takes them.
 */
export async function startInboxLoop(input: {
  readonly store: Store;
  readonly fenced: Store;
  readonly leadership: Leadership;
  readonly act: (hints: readonly Hint[], meta: HintMeta) => void;
  readonly log: Pick<FastifyBaseLogger, "info" | "warn">;
}): Promise<InboxLoop> {
  const { fenced, leadership, log } = input;
  let draining: Promise<void> | undefined;
  let again = false;
  const drain = (): void => {
    if (draining !== undefined) {
      again = true;
      return;
    }
    draining = (async () => {
      do {
        again = false;
        const items = await fenced.takeInbox(leadership);
        for (const item of items) input.act(item.hints as Hint[], { provider: item.provider as ProviderId, deliveryId: item.deliveryId, event: item.event });
        await fenced.finishInbox(items.map((item) => item.id));
        if (items.length > 0) log.info({ items: items.length, from: [...new Set(items.map((item) => item.receivedBy))] }, "inbox: acted on webhook deliveries");
        again ||= items.length > 0;
      } while (again);
    })()
      .catch((error: unknown) => log.warn({ err: error }, "inbox: cannot take webhook deliveries now; trying again"))
      .finally(() => {
        draining = undefined;
      });
  };
  const unwatch = await input.store
    .watchInbox((queuedFor) => {
      if (queuedFor === leadership.name) drain();
    })
    .catch((error: unknown) => {
      log.warn({ err: error }, "inbox: cannot listen for new deliveries; polling every second");
      return async () => undefined;
    });
  const poll = setInterval(drain, 1_000);
  drain();
  return {
    async stop() {
      clearInterval(poll);
      await unwatch();
      await draining;
    },
  };
}
