import type { StoreEvent } from "../store/store-events.js";
import { topicsOf } from "./event-topics.js";

export interface EventHub {
  /** What the store just recorded (src/store/store-events.ts observeStore). */
  publish(event: StoreEvent): void;
  /** Calls `listener` with each event's topics; returns the unsubscribe. */
  subscribe(listener: (topics: readonly string[], event: StoreEvent) => void): () => void;
  readonly size: number;
}

/**
 * Fans the store's events out to open pages. A deployment's step names only its deployment:
 * its service and environment are looked up once (`deploymentOf`) and remembered, so a step's
 * event reaches that service's page.
 */
export function createEventHub(deploymentOf: (id: number) => Promise<{ service: string; environment: string } | undefined>): EventHub {
  const listeners = new Set<(topics: readonly string[], event: StoreEvent) => void>();
  const known = new Map<number, { service: string; environment: string }>();

  const deliver = (event: StoreEvent): void => {
    const topics = topicsOf(event);
    for (const listener of listeners) {
      try {
        listener(topics, event);
      } catch {
        // one page's broken connection is not another's
      }
    }
  };

  const remember = (id: number, target: { service: string; environment: string }): void => {
    known.set(id, target);
    if (known.size > 1000) known.delete(known.keys().next().value ?? id);
  };

  return {
    publish(event) {
      if (listeners.size === 0) return;
      if (event.kind !== "deployment" || event.service !== undefined) {
        if (event.kind === "deployment" && event.service !== undefined && event.environment !== undefined)
          remember(event.id, { service: event.service, environment: event.environment });
        deliver(event);
        return;
      }
      const cached = known.get(event.id);
      if (cached !== undefined) {
        deliver({ ...event, ...cached });
        return;
      }
      void deploymentOf(event.id)
        .then((target) => {
          if (target !== undefined) remember(event.id, target);
          deliver(target === undefined ? event : { ...event, ...target });
        })
        .catch(() => deliver(event));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
  };
}
