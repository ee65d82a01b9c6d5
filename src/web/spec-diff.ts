import { redactEnv } from "../util/secret-rule.js";

/** One line of a spec difference: a field and its value before and after (absent: not set). */
export interface SpecChange {
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
}

/** A spec as people may see it: its secret variables' values redacted. */
export function visibleSpec(spec: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const env = spec["env"];
  if (typeof env !== "object" || env === null) return { ...spec };
  const marked = Array.isArray(spec["secretEnv"]) ? spec["secretEnv"].filter((n): n is string => typeof n === "string") : [];
  return { ...spec, env: redactEnv(env as Record<string, string>, marked) };
}

function flatten(value: unknown, path: string, into: Map<string, string>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && path !== "") into.set(path, "{}");
    for (const [key, inner] of entries) flatten(inner, path === "" ? key : `${path}.${key}`, into);
    return;
  }
  into.set(path, JSON.stringify(value));
}

/** What changed from spec `a` to spec `b`, field by field, secrets redacted; sorted by field. */
export function specDiff(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): SpecChange[] {
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  flatten(visibleSpec(a), "", before);
  flatten(visibleSpec(b), "", after);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.flatMap((path) => {
    const x = before.get(path);
    const y = after.get(path);
    if (x === y) return [];
    return [{ path, ...(x === undefined ? {} : { before: x }), ...(y === undefined ? {} : { after: y }) }];
  });
}
