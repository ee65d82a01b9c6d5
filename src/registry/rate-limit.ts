/** What a registry said about its rate limit on its latest answer. */
export interface RateLimit {
  /** Requests allowed per window. */
  readonly limit?: number;
  /** Requests left in the current window. */
  readonly remaining?: number;
  /** The window's length in seconds (Docker Hub: `100;w=21600` is 100 per 6 hours). */
  readonly windowSeconds?: number;
  /** Seconds until the window resets. */
  readonly resetSeconds?: number;
}

/** Anything with a Fetch-style `get` (Headers, or a test's map). */
export interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Reads the rate-limit headers registries send, in the forms seen in the wild:
 * Docker Hub's `ratelimit-limit: 100;w=21600` / `ratelimit-remaining: 76;w=21600`,
 * the IETF draft's `RateLimit-Limit` / `RateLimit-Remaining` / `RateLimit-Reset` (and their
 * `X-RateLimit-*` forebears), the combined `RateLimit: limit=100, remaining=50, reset=30`,
 * and the later `RateLimit: "default";r=50;t=30` with `RateLimit-Policy: "default";q=100;w=60`.
 * Undefined when the answer carries none of them.
 */
export function parseRateLimit(headers: HeaderSource): RateLimit | undefined {
  const separate = separateHeaders(headers);
  const combined = combinedHeader(headers.get("ratelimit"), headers.get("ratelimit-policy"));
  const merged = { ...combined, ...separate };
  return Object.keys(merged).length === 0 ? undefined : merged;
}

function separateHeaders(headers: HeaderSource): RateLimit {
  const limit = quotaItem(headers.get("ratelimit-limit") ?? headers.get("x-ratelimit-limit"));
  const remaining = quotaItem(headers.get("ratelimit-remaining") ?? headers.get("x-ratelimit-remaining"));
  const resetSeconds = integer(headers.get("ratelimit-reset") ?? headers.get("x-ratelimit-reset") ?? undefined);
  const windowSeconds = limit?.window ?? remaining?.window;
  return withoutUndefined({ limit: limit?.value, remaining: remaining?.value, windowSeconds, resetSeconds });
}

/** `100`, `100;w=21600` or `100, 100;w=21600` (a list of policies: the first is the one in force). */
function quotaItem(header: string | null): { value: number; window: number | undefined } | undefined {
  if (header === null) return undefined;
  const [first = ""] = header.split(",");
  const [value, ...params] = first.split(";");
  const parsed = integer(value);
  if (parsed === undefined) return undefined;
  return { value: parsed, window: integer(paramValue(params, "w")) };
}

function combinedHeader(rateLimit: string | null, policy: string | null): RateLimit {
  if (rateLimit === null) return {};
  const [first = ""] = rateLimit.split(/,(?=\s*"[^"]*"\s*;)/);
  const parts = first.split(/[;,]/);
  const policyParts = (policy ?? "").split(",")[0]?.split(";") ?? [];
  return withoutUndefined({
    limit: integer(paramValue(parts, "limit") ?? paramValue(policyParts, "q")),
    remaining: integer(paramValue(parts, "remaining") ?? paramValue(parts, "r")),
    resetSeconds: integer(paramValue(parts, "reset") ?? paramValue(parts, "t")),
    windowSeconds: integer(paramValue(policyParts, "w")),
  });
}

function paramValue(params: readonly string[], name: string): string | undefined {
  for (const param of params) {
    const [key, value] = param.split("=");
    if (key?.trim().toLowerCase() === name) return value?.trim().replace(/^"|"$/g, "");
  }
  return undefined;
}

function integer(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

function withoutUndefined(limit: Record<keyof RateLimit, number | undefined>): RateLimit {
  return Object.fromEntries(Object.entries(limit).filter(([, value]) => value !== undefined)) satisfies RateLimit;
}

/**
 * How long a Retry-After header asks us to wait, in milliseconds: delay-seconds (`120`) or an
 * HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, measured from `now`; a past date is 0).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
