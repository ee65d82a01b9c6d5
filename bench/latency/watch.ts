import { Worker } from "node:worker_threads";

/** The first answer with the new body, as the client saw it. */
export interface FirstAnswer {
  /** Epoch ms (sub-millisecond) when the request that got it was sent, and when its answer arrived. */
  readonly sentAt: number;
  readonly at: number;
  /** Requests sent until then, and how many of them failed (non-200, timeout, connection error). */
  readonly requests: number;
  readonly failures: number;
}

export interface Watch {
  /** Resolves with the first answer `body`, or rejects after the timeout. */
  readonly answered: Promise<FirstAnswer>;
  stop(): Promise<void>;
}

/**
 * Polls `url` every `everyMs` on a worker thread (watch-worker.ts) until it answers `body`:
 * the moment a user of the service first gets the new version.
 */
export function watchFor(url: string, body: string, options: { everyMs?: number; timeoutMs: number }): Watch {
  const worker = new Worker(new URL("./watch-worker.js", import.meta.url), {
    workerData: { url, body, everyMs: options.everyMs ?? 10, timeoutMs: options.timeoutMs },
  });
  const answered = new Promise<FirstAnswer>((resolve, reject) => {
    worker.on("message", (message: WorkerMessage) => {
      if (message.kind === "answer") resolve(message);
      else
        reject(
          new Error(`${url} did not answer ${JSON.stringify(body)} within ${options.timeoutMs} ms (${message.requests} requests, ${message.failures} failed)`),
        );
    });
    worker.on("error", reject);
    worker.on("exit", () => reject(new Error("the watch thread ended without an answer")));
  });
  answered.catch(() => undefined);
  return {
    answered,
    async stop() {
      worker.postMessage("stop");
      await worker.terminate();
    },
  };
}

type WorkerMessage = ({ readonly kind: "answer" } & FirstAnswer) | { readonly kind: "timeout"; readonly requests: number; readonly failures: number };
