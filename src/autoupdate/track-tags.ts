import semver from "semver";
import type { TagTrack } from "../config/update-track.js";

/** The tag `track` takes among `tags`, or undefined when none qualifies. Pure. */
export function chooseTag(tags: readonly string[], track: TagTrack): string | undefined {
  return track.kind === "semver" ? highestInRange(tags, track) : highestMatch(tags, track.pattern);
}

function highestInRange(tags: readonly string[], track: Extract<TagTrack, { kind: "semver" }>): string | undefined {
  let best: { tag: string; version: semver.SemVer } | undefined;
  for (const tag of tags) {
    const version = semver.parse(tag.replace(/^v(?=\d)/, ""));
    if (version === null) continue;
    if (!semver.satisfies(version, track.range, { includePrerelease: track.prereleases })) continue;
    // equal versions written twice (1.3.0 and v1.3.0): the first one listed stays
    if (best === undefined || semver.gt(version, best.version)) best = { tag, version };
  }
  return best?.tag;
}

function highestMatch(tags: readonly string[], pattern: string): string | undefined {
  const expression = new RegExp(pattern);
  const keyed = tags.flatMap((tag) => {
    const key = expression.exec(tag)?.[1];
    return key === undefined ? [] : [{ tag, key }];
  });
  const numeric = keyed.every(({ key }) => /^\d+$/.test(key));
  const compare = (a: string, b: string): number => (numeric ? (BigInt(a) === BigInt(b) ? 0 : BigInt(a) > BigInt(b) ? 1 : -1) : a < b ? -1 : a > b ? 1 : 0);
  let best: { tag: string; key: string } | undefined;
  for (const entry of keyed) if (best === undefined || compare(entry.key, best.key) > 0) best = entry;
  return best?.tag;
}
