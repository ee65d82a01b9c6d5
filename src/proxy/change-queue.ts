/** The tail of each admin URL's queue: the last change queued, settled either way. */
const tails = new Map<string, Promise<void>>();

/**
 * Runs config changes of one proxy (keyed by its admin URL) one at a time in this process, in
 * the order they were asked for, so deployments of several services at once never race each
 * other's read-modify-write. Changes of different proxies run side by side. A failed change
 * fails only its own caller; the next one runs as usual.
 */
export function serialised<T>(key: string, change: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(change);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}

/** How many proxies have changes queued or running (for tests). */
export function queuedProxies(): number {
  return tails.size;
}
