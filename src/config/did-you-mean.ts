import { closest, distance } from "fastest-levenshtein";

/** The candidate closest to what was written, when it is close enough to be a typo. */
export function didYouMean(written: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates].filter((candidate) => candidate !== written);
  if (list.length === 0 || written.length === 0) return undefined;
  const lower = written.toLowerCase();
  const prefixed = lower.length >= 3 ? list.find((candidate) => candidate.toLowerCase().startsWith(lower)) : undefined;
  if (prefixed) return prefixed;
  const best = closest(lower, list);
  const allowed = Math.max(2, Math.floor(best.length / 3));
  return distance(lower, best) <= allowed ? best : undefined;
}

/** ` — did you mean "x"?`, or nothing. */
export function suggestion(written: string, candidates: Iterable<string>): string {
  const best = didYouMean(written, candidates);
  return best === undefined ? "" : ` — did you mean "${best}"?`;
}
