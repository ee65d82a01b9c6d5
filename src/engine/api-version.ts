/** The newest engine API Slipway is written against (Docker 27). */
export const NEWEST_API = "1.47";
/** The oldest it works with (Docker 19.03). */
export const OLDEST_API = "1.40";

type Version = readonly [major: number, minor: number];
const NEWEST: Version = [1, 47];
const OLDEST: Version = [1, 40];

/**
 * The API version to speak with an engine that offers `server`: the older of the engine's and
 * Slipway's newest, as the docker CLI negotiates; undefined when the engine is older than Slipway
 * supports. (Docker 29 refuses clients below API 1.44, so a fixed old version would not do.)
 */
export function negotiateApiVersion(server: string): string | undefined {
  const offered = parse(server);
  if (offered === undefined) return NEWEST_API;
  if (compare(offered, OLDEST) < 0) return undefined;
  return compare(offered, NEWEST) < 0 ? `${offered[0]}.${offered[1]}` : NEWEST_API;
}

function parse(version: string): Version | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(version.trim());
  return match === null ? undefined : [Number(match[1]), Number(match[2])];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1];
}
