import { parentPort, workerData } from "node:worker_threads";
import { get } from "../../test/integration/proxy/helpers.js";
import type { Sample } from "./load.js";

/**
 * The closed-loop clients of load.ts, on their own thread: the tool under test (Slipway's
 * deploy runs in the bench's process) does not share an event loop with its own load, just as
 * the docker CLI and docker-compose do not. Times are sent as absolute milliseconds
 * (performance.timeOrigin + now), every 10 ms and once more when told to stop.
 */
interface LoadRequest {
  readonly url: string;
  readonly clients: number;
  readonly timeoutMs: number;
}

const request = workerData as LoadRequest;
const port = parentPort;
if (port === null) throw new Error("load-worker.js runs as a worker thread");
const origin = performance.timeOrigin;
let pending: Sample[] = [];
let running = true;
const flush = (): void => {
  if (pending.length === 0) return;
  port.postMessage({ kind: "samples", samples: pending });
  pending = [];
};
const client = async (): Promise<void> => {
  while (running) {
    const startedAt = origin + performance.now();
    try {
      const { status, body } = await get(request.url, request.timeoutMs);
      const endedAt = origin + performance.now();
      pending.push(status === 200 ? { startedAt, endedAt, body } : { startedAt, endedAt, error: `HTTP ${status}` });
    } catch (error) {
      pending.push({
        startedAt,
        endedAt: origin + performance.now(),
        error: error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error),
      });
    }
  }
};
const timer = setInterval(flush, 10);
const clients = Array.from({ length: request.clients }, () => client());
port.on("message", (message: unknown) => {
  if (message !== "stop") return;
  running = false;
  void Promise.all(clients).then(() => {
    clearInterval(timer);
    flush();
    port.postMessage({ kind: "stopped" });
    port.close();
  });
});
