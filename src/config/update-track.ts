import semver from "semver";

/**
 * Which of an external image's tags a service follows (update.track), instead of one fixed tag:
 * - semver: the highest tag that is a version in the range (`^1.2`, `~1.2.3`, `1.x`, `>=1.4 <2`);
 *   a leading "v" is allowed (v1.3.0); pre-releases (1.4.0-rc.1) only with `prereleases`;
 * - match: tags matching the regular expression, ordered by its first capture group (as numbers
 *   when every one is digits: build numbers, timestamps), the highest taken.
 */
export type TagTrack =
  { readonly kind: "semver"; readonly range: string; readonly prereleases: boolean } | { readonly kind: "match"; readonly pattern: string };

/** Why `track` cannot be used, or undefined when it can. Pure. */
export function trackProblem(track: TagTrack): string | undefined {
  if (track.kind === "semver")
    return semver.validRange(track.range) === null ? `${JSON.stringify(track.range)} is not a semver range (e.g. ^1.2, ~1.2.3, 1.x)` : undefined;
  let expression: RegExp;
  try {
    expression = new RegExp(track.pattern);
  } catch (error) {
    return `${JSON.stringify(track.pattern)} is not a regular expression (${error instanceof Error ? error.message : String(error)})`;
  }
  // a capture group is a match of "|" alternatives plus one: new RegExp(p + "|").exec("") has one slot per group
  const groups = (new RegExp(`${expression.source}|`).exec("")?.length ?? 1) - 1;
  return groups === 0 ? `${JSON.stringify(track.pattern)} has no capture group: its first group says how the tags sort (e.g. ^build-(\\d+)$)` : undefined;
}
