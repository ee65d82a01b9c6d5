/**
 * Image tag schemes and their ordering. "Latest" is always the greatest tag under the image's
 * scheme, never the last one pushed: a revert that is rebuilt gets a new, greater tag.
 *
 * - timestamp:         20180923T082316Z (UTC, sortable as text)
 * - version-count-sha: 1.0.1-22-7e56158 (version, `git rev-list --count` of the commit,
 *                      short sha; the version from src/builder/version.ts), ordered by
 *                      version then count
 * - sha:               the full or short git sha; has no order, so "latest" needs the source's
 *                      current commit (see latestTag's `currentSha`)
 */
export const tagSchemes = ["timestamp", "version-count-sha", "sha"] as const;
export type TagScheme = (typeof tagSchemes)[number];

const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const VERSION_COUNT_SHA = /^v?(\d+)\.(\d+)\.(\d+)-(\d+)-([0-9a-f]{7,40})$/;
const SHA = /^[0-9a-f]{7,40}$/;

/** The timestamp tag for a moment: 2018-09-23T08:23:16.123Z -> 20180923T082316Z. */
export function timestampTag(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

export function parseTimestampTag(tag: string): Date | undefined {
  const m = TIMESTAMP.exec(tag);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) || timestampTag(date) !== tag ? undefined : date;
}

export function versionCountShaTag(parts: { version: string; count: number; sha: string }): string {
  return `${parts.version.replace(/^v/, "")}-${parts.count}-${parts.sha.slice(0, 7)}`;
}

/** Whether a tag belongs to a scheme (other tags, like `latest` or `fp-…`, are ignored). */
export function matchesScheme(scheme: TagScheme, tag: string): boolean {
  switch (scheme) {
    case "timestamp":
      return parseTimestampTag(tag) !== undefined;
    case "version-count-sha":
      return VERSION_COUNT_SHA.test(tag);
    case "sha":
      return SHA.test(tag);
  }
}

/** Orders two tags of one scheme; negative when a is older. */
export function compareTags(scheme: TagScheme, a: string, b: string): number {
  if (scheme === "version-count-sha") return compareVersionCountSha(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareVersionCountSha(a: string, b: string): number {
  const pa = VERSION_COUNT_SHA.exec(a);
  const pb = VERSION_COUNT_SHA.exec(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 1; i <= 4; i++) {
    const diff = Number(pa[i]) - Number(pb[i]);
    if (diff !== 0) return diff;
  }
  return (pa[5] ?? "") < (pb[5] ?? "") ? -1 : (pa[5] ?? "") > (pb[5] ?? "") ? 1 : 0;
}

/**
 * The newest tag of a scheme among `tags`, or undefined when none matches. For the sha scheme,
 * which has no order, the tag naming `currentSha` (full or short) is the latest.
 */
export function latestTag(scheme: TagScheme, tags: readonly string[], currentSha?: string): string | undefined {
  const candidates = tags.filter((tag) => matchesScheme(scheme, tag));
  if (scheme === "sha") {
    if (!currentSha) return undefined;
    return candidates.find((tag) => currentSha.startsWith(tag) || tag.startsWith(currentSha));
  }
  return candidates.reduce<string | undefined>((best, tag) => (best === undefined || compareTags(scheme, tag, best) > 0 ? tag : best), undefined);
}
