import { setTimeout as sleep } from "node:timers/promises";
import { parentPort, workerData } from "node:worker_threads";

/**
 * The client of watch.ts, on its own thread: sends a GET to `url` every `everyMs` (open loop,
 * at most MAX_IN_FLIGHT at once — 1 s timeout each, so about 100) until one is answered `body`, then posts when
 * that answer arrived (epoch ms, sub-millisecond) and what it saw on the way. Open loop, because
 * a request Docker's port proxy accepted before the app listened can hang until its timeout: a
 * client that waited for it would see the new version up to a second late. Times are taken
 * here, not on the bench's busy main thread.
 */
interface WatchData {
  readonly url: string;
  readonly body: string;
  readonly everyMs: number;
  readonly timeoutMs: number;
}

const MAX_IN_FLIGHT = 128;
const data = workerData as WatchData;
const now = (): number => performance.timeOrigin + performance.now();
const deadline = now() + data.timeoutMs;
let requests = 0;
let failures = 0;
let inFlight = 0;
let answered = false;
let stopped = false;
parentPort?.on("message", () => (stopped = true));

async function probe(): Promise<void> {
  const sentAt = now();
  requests += 1;
  inFlight += 1;
  try {
    const response = await fetch(data.url, { signal: AbortSignal.timeout(1_000) });
    const text = await response.text();
    if (response.status !== 200) failures += 1;
    else if (text === data.body && !answered) {
      answered = true;
      parentPort?.postMessage({ kind: "answer", sentAt, at: now(), requests, failures });
    }
  } catch {
    if (!answered) failures += 1;
  } finally {
    inFlight -= 1;
  }
}

while (!answered && !stopped && now() < deadline) {
  if (inFlight < MAX_IN_FLIGHT) void probe();
  await sleep(data.everyMs);
}
if (!answered && !stopped) parentPort?.postMessage({ kind: "timeout", requests, failures });
