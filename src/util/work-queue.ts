/**
 * The controller's work queue. Work is keyed (one pipeline per environment, one update per
 * service): work of one key runs one at a time, in order; work of different keys runs side by
 * side up to `concurrency`. Newer work for a key replaces work of that key still waiting (so
 * five pushes while a pipeline runs become one run at the newest commit), and can ask the
 * running one to stop at its next safe point (its AbortSignal fires with reason "superseded").
 */
export interface WorkItem {
  readonly key: string;
  /** For people and logs: "pipeline test1 at 1a2b3c4". */
  readonly label: string;
  run(signal: AbortSignal): Promise<void>;
  /** Called when the item is dropped before it started: replaced by newer work of its key, or the queue closed. */
  dropped?(reason: "replaced" | "closed"): void;
}

export interface SubmitOptions {
  /** Abort the running item of the same key (at its next safe point) in favour of this one. */
  readonly supersede?: boolean;
}

export type SubmitOutcome = "started" | "queued" | "replaced-waiting" | "refused-closed";

export interface WorkQueue {
  submit(item: WorkItem, options?: SubmitOptions): SubmitOutcome;
  /** Keys running now, and keys with work waiting. */
  snapshot(): { running: { key: string; label: string }[]; waiting: { key: string; label: string }[] };
  /** Resolves when nothing runs or waits. */
  idle(): Promise<void>;
  /**
   * Takes no more work, drops what waits, and resolves when what runs has finished; with
   * `abortRunning` the running work is asked to stop at its next safe point.
   */
  close(options?: { abortRunning?: string }): Promise<void>;
}

export function createWorkQueue(options: { concurrency: number; onError: (item: WorkItem, error: unknown) => void }): WorkQueue {
  const running = new Map<string, { item: WorkItem; controller: AbortController }>();
  const waiting = new Map<string, WorkItem>();
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  function pump(): void {
    for (const [key, item] of waiting) {
      if (running.size >= options.concurrency) break;
      if (running.has(key)) continue;
      waiting.delete(key);
      start(item);
    }
    if (running.size === 0 && waiting.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  function start(item: WorkItem): void {
    const controller = new AbortController();
    running.set(item.key, { item, controller });
    void (async () => {
      try {
        await item.run(controller.signal);
      } catch (error) {
        options.onError(item, error);
      } finally {
        running.delete(item.key);
        pump();
      }
    })();
  }

  return {
    submit(item, submitOptions = {}) {
      if (closed) return "refused-closed";
      const current = running.get(item.key);
      const previous = waiting.get(item.key);
      const replaced = previous !== undefined;
      waiting.delete(item.key);
      previous?.dropped?.("replaced"); // re-inserted last: the newest work keeps its place in line fairly
      waiting.set(item.key, item);
      if (current !== undefined && submitOptions.supersede === true) current.controller.abort("superseded");
      pump();
      if (running.get(item.key)?.item === item) return "started";
      return replaced ? "replaced-waiting" : "queued";
    },
    snapshot() {
      return {
        running: [...running.values()].map(({ item }) => ({ key: item.key, label: item.label })),
        waiting: [...waiting.values()].map((item) => ({ key: item.key, label: item.label })),
      };
    },
    idle() {
      if (running.size === 0 && waiting.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    close(closeOptions = {}) {
      closed = true;
      const dropped = [...waiting.values()];
      waiting.clear();
      for (const item of dropped) item.dropped?.("closed");
      if (closeOptions.abortRunning !== undefined) for (const { controller } of running.values()) controller.abort(closeOptions.abortRunning);
      return this.idle();
    },
  };
}

/** Throws when the work was superseded or the controller is stopping: call at safe points. */
export function checkpoint(signal: AbortSignal): void {
  if (signal.aborted) throw new WorkCancelled(String(signal.reason ?? "cancelled"));
}

export class WorkCancelled extends Error {
  constructor(readonly reason: string) {
    super(`cancelled: ${reason}`);
    this.name = "WorkCancelled";
  }
}
