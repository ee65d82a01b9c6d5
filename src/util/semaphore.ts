/** At most `limit` holders at once; the others wait in arrival order. */
export function createSemaphore(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    active -= 1;
    waiting.shift()?.();
  };
  return async (work) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await work();
    } finally {
      release();
    }
  };
}

/** Runs `work` over every item, at most `limit` at once; rejects with the first failure. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const hold = createSemaphore(Math.max(1, limit));
  await Promise.all(items.map((item) => hold(() => work(item))));
}
