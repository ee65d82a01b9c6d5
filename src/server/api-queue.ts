import type { WorkQueue } from "../util/work-queue.js";
import { SlipwayError } from "../errors/index.js";

let requests = 0;

/**
 * Runs `fn` as work of the controller's queue under `key` (one at a time per key, after work
 * of that key already queued) and resolves or rejects with its result, for a request that
 * answers when the work is done. Without a queue `fn` runs at once. Work that newer work of
 * the same key replaces before it starts is refused with DEPLOY_LOCKED.
 */
export function runKeyed<T>(queue: WorkQueue | undefined, key: string, label: string, fn: () => Promise<T>): Promise<T> {
  if (queue === undefined) return fn();
  return new Promise<T>((resolve, reject) => {
    const outcome = queue.submit({
      key,
      label: `${label} (api request ${++requests})`,
      run: async () => {
        try {
          resolve(await fn());
        } catch (error) {
          reject(error);
        }
      },
      dropped: (reason) =>
        reject(
          reason === "closed"
            ? stopping(label)
            : new SlipwayError("DEPLOY_LOCKED", `${label} was replaced by newer work of ${key} before it started`, {
                hint: "GET /api/v1/queue shows what runs and waits",
              }),
        ),
    });
    if (outcome === "refused-closed") reject(stopping(label));
  });
}

function stopping(label: string): SlipwayError {
  return new SlipwayError("CONTROLLER_STOPPING", `the controller is stopping and took no new work (${label})`, { hint: "retry when it has restarted" });
}
