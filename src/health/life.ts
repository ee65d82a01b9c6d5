/**
 * A container's life as inspect reports it: when it last started and how many times its restart
 * policy restarted it. Two lives of one container that differ mean it exited and came back.
 */
export interface Life {
  /** State.StartedAt: changes on every start, including a restart by the restart policy. */
  readonly startedAt: string;
  /** RestartCount: restarts by the restart policy since the container was last started by hand. */
  readonly restarts: number;
}

/** How many times the container restarted between two looks: 0 when either is unknown or nothing changed. */
export function restartsSince(before: Life | undefined, after: Life | undefined): number {
  if (before === undefined || after === undefined) return 0;
  if (after.restarts > before.restarts) return after.restarts - before.restarts;
  return after.startedAt === before.startedAt ? 0 : 1;
}

/** "restarted 2 times during the health check (…)": a restart policy hid a crash; the probe's own answer follows. */
export function restartedDetail(restarts: number, probeDetail: string): string {
  const times = restarts === 1 ? "1 time" : `${restarts} times`;
  return `restarted ${times} during the health check: it exits and its restart policy starts it again (the last probe: ${probeDetail})`;
}
