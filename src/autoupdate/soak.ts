/**
 * update.min_age: a new version is taken only once Slipway has seen it for that long (its own
 * first-seen time; a publisher's created date can be anything). Pure: candidates, clock and
 * minimum age in, a decision with its reason out.
 */

export interface SoakCandidate {
  /** What is deployed when it is taken: a tag, or a digest of the followed tag. */
  readonly id: string;
  /** When Slipway first saw it; undefined when it is seen now for the first time (its age is unknown, so it waits). */
  readonly firstSeen: Date | undefined;
}

export type SoakDecision =
  /** The newest candidate that has soaked (a newer one may still be waiting: a busy tag never starves). */
  | { readonly kind: "take"; readonly candidate: SoakCandidate; readonly newerWaiting: number }
  /** Nothing has soaked yet: `candidate` is the one that will first, in `leftMs`. */
  | { readonly kind: "wait"; readonly candidate: SoakCandidate; readonly leftMs: number }
  | { readonly kind: "none" };

/** `candidates` newer than what runs, the newest first. */
export function soakDecision(candidates: readonly SoakCandidate[], now: Date, minAgeMs: number): SoakDecision {
  const ageOf = (candidate: SoakCandidate): number => (candidate.firstSeen === undefined ? 0 : now.getTime() - candidate.firstSeen.getTime());
  const index = candidates.findIndex((candidate) => ageOf(candidate) >= minAgeMs);
  const soaked = candidates[index];
  if (soaked !== undefined) return { kind: "take", candidate: soaked, newerWaiting: index };
  // none has soaked: the oldest of them soaks first
  let first: SoakCandidate | undefined;
  for (const candidate of candidates) if (first === undefined || ageOf(candidate) > ageOf(first)) first = candidate;
  return first === undefined ? { kind: "none" } : { kind: "wait", candidate: first, leftMs: minAgeMs - ageOf(first) };
}

/** "min_age 2h: 47 min left", for reports and status. */
export function describeWait(minAgeMs: number, leftMs: number): string {
  return `min_age ${formatSpan(minAgeMs)}: ${formatSpan(Math.max(leftMs, 1_000))} left`;
}

function formatSpan(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (ms < 60_000) return `${Math.ceil(ms / 1_000)} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours}h` : `${hours}h ${rest} min`;
}
