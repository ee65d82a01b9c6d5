import * as z from "zod";

/**
 * Durations and sizes as people write them in slipway.yml: `30s`, `5m`, `1h30m`, `512m`,
 * `1GB`. Parsed into plain numbers (milliseconds, bytes) once, at the config boundary.
 */

const durationUnits = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const durationPattern = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const durationPart = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** `30s`, `5m`, `1h30m`, `500ms`, `1.5h`, `2d` -> milliseconds; `0` -> 0; anything else -> undefined. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "0") return 0;
  if (!durationPattern.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(durationPart)) {
    const unit = match[2] as keyof typeof durationUnits;
    total += Number(match[1]) * durationUnits[unit];
  }
  return Math.round(total);
}

const byteUnits = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 } as const;
const bytesPattern = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i;

/**
 * `512m`, `1GB`, `1GiB`, `100k`, `1024`, `1024b` -> bytes. Units are binary (k = 1024), as
 * Docker reads memory limits; the case and a trailing `b`/`ib` do not matter.
 */
export function parseBytes(text: string): number | undefined {
  const match = bytesPattern.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? "").toLowerCase() as keyof typeof byteUnits;
  return Math.floor(Number(match[1]) * byteUnits[unit]);
}

/** A duration as text (`30s`, `1h30m`) or a number of seconds; the output is milliseconds. */
export const durationSchema = z
  .union([
    z.number().nonnegative().describe("seconds"),
    z.string().regex(/^\s*(?:0|(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+)\s*$/, "expected a duration such as 30s, 5m, 1h30m"),
  ])
  .transform((value) => (typeof value === "number" ? Math.round(value * 1000) : (parseDuration(value) ?? 0)))
  .meta({ description: "A duration: a number of seconds, or text such as 500ms, 30s, 5m, 1h30m, 2d." });

/** A duration of at least `minimum` (e.g. "1s"): for intervals that must never spin. */
export function durationAtLeast(minimum: string, why: string) {
  const floor = parseDuration(minimum) ?? 0;
  return durationSchema.refine((ms) => ms >= floor, `expected at least ${minimum}: ${why}`);
}

/** A size as text (`512m`, `1GB`) or a number of bytes; the output is bytes. */
export const bytesSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\s*\d+(?:\.\d+)?\s*[kmgtKMGT]?(?:[iI]?[bB])?\s*$/, "expected a size such as 512m or 1GB")])
  .transform((value) => (typeof value === "number" ? value : (parseBytes(value) ?? 0)))
  .meta({ description: "A size: a number of bytes, or text such as 100k, 512m, 1GB (binary units: 1k = 1024)." });
