import { setTimeout as sleep } from "node:timers/promises";
import { waitForBody } from "../../test/integration/proxy/helpers.js";
import { figuresOf, startLiveLoad, waitForAnswer, type UpdateFigures } from "./load.js";
import type { Method } from "./method.js";

export const CLIENTS = 8;
export const TIMEOUT_MS = 1_000;

export interface IterationResult extends UpdateFigures {
  readonly method: string;
  /** How long the tool itself took (until its command or call returned). */
  readonly toolMs: number;
}

/**
 * One update under load: v1 serves; 8 closed-loop clients (1 s timeout each) run; after 300 ms
 * the method replaces v1 with v2; the load goes on until v2 has answered and then 1 s more.
 */
export async function runIteration(method: Method): Promise<IterationResult> {
  const url = await method.serveV1();
  await waitForBody(url, "v1", 15_000);
  const load = startLiveLoad(url, { clients: CLIENTS, timeoutMs: TIMEOUT_MS });
  await sleep(300);
  const t0 = performance.now();
  try {
    await method.updateToV2();
  } catch (error) {
    await load.stop();
    throw error;
  }
  const toolMs = performance.now() - t0;
  await waitForAnswer(load, t0, "v2", 15_000);
  await sleep(1_000);
  const samples = await load.stop();
  return { method: method.id, toolMs, ...figuresOf(samples, t0, "v2") };
}
