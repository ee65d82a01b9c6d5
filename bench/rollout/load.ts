import { Worker } from "node:worker_threads";

/** One request of the closed-loop load (performance.now() times). */
export interface Sample {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly body?: string;
  readonly error?: string;
}

export interface LiveLoad {
  /** Every request so far; grows while the load runs. */
  readonly samples: readonly Sample[];
  /** Stops the clients after their current request and returns every request they made. */
  stop(): Promise<Sample[]>;
}

/**
 * Closed-loop load like the deploy tests' (test/integration/proxy/helpers.ts `startLoad`):
 * `clients` loops, each sending its next GET as soon as the last ended, each with its own
 * timeout; a non-200 answer, a timeout or a connection error is a failure. The clients run on a
 * worker thread (load-worker.ts), so they do not share an event loop with the tool under test;
 * the samples arrive every 10 ms and are readable while it runs, so the bench can wait until v2
 * answers. Times are on this thread's performance.now() clock.
 */
export function startLiveLoad(url: string, options: { clients: number; timeoutMs: number }): LiveLoad {
  const samples: Sample[] = [];
  const worker = new Worker(new URL("./load-worker.js", import.meta.url), { workerData: { url, clients: options.clients, timeoutMs: options.timeoutMs } });
  const origin = performance.timeOrigin;
  const local = (absolute: number): number => absolute - origin;
  const stopped = new Promise<void>((resolve, reject) => {
    worker.on("message", (message: WorkerMessage) => {
      if (message.kind === "stopped") return resolve();
      for (const s of message.samples) samples.push({ ...s, startedAt: local(s.startedAt), endedAt: local(s.endedAt) });
    });
    worker.on("error", reject);
    worker.on("exit", () => resolve());
  });
  return {
    samples,
    async stop() {
      worker.postMessage("stop");
      await stopped;
      await worker.terminate();
      return samples;
    },
  };
}

type WorkerMessage = { readonly kind: "samples"; readonly samples: readonly Sample[] } | { readonly kind: "stopped" };

/** What one update under load did to the clients. */
export interface UpdateFigures {
  readonly requests: number;
  readonly failed: number;
  /** The first few distinct failure messages. */
  readonly errors: readonly string[];
  /** Longest time from `t0` (or a success) to the next success, in ms. */
  readonly longestGapMs: number;
  /**
   * From `t0` until the end of the first v2 answer after which every request answered v2:
   * the answer to the first v2 request started after the last request that got anything else.
   */
  readonly onlyNewMs: number;
}

export function figuresOf(samples: readonly Sample[], t0: number, newBody: string): UpdateFigures {
  const window = samples.filter((s) => s.endedAt >= t0);
  const failures = window.filter((s) => s.error !== undefined);
  const successEnds = window
    .filter((s) => s.error === undefined)
    .map((s) => s.endedAt)
    .sort((a, b) => a - b);
  let longestGapMs = 0;
  let previous = t0;
  for (const end of successEnds) {
    longestGapMs = Math.max(longestGapMs, end - previous);
    previous = end;
  }
  const lastOther = Math.max(t0, ...window.filter((s) => s.body !== newBody).map((s) => s.startedAt));
  const firstNew = window.filter((s) => s.body === newBody && s.startedAt > lastOther).sort((a, b) => a.endedAt - b.endedAt)[0];
  return {
    requests: window.length,
    failed: failures.length,
    errors: [...new Set(failures.map((s) => s.error ?? ""))].slice(0, 3),
    longestGapMs,
    onlyNewMs: firstNew === undefined ? Number.NaN : firstNew.endedAt - t0,
  };
}

/** Resolves once a request started after `since` answered `body`, or after `timeoutMs`. */
export async function waitForAnswer(load: LiveLoad, since: number, body: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (load.samples.some((s) => s.startedAt > since && s.body === body)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
