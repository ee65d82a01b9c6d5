import { suggestion } from "./did-you-mean.js";
import { describe, type ConfigProblem } from "./issues.js";
import type { ConfigPath } from "./positions.js";

/**
 * Slipway's own keys in a compose service. docker-compose rejects a service key it does not
 * know ("Additional property update is not allowed") and ignores extension fields (x-*), so a
 * compose file keeps Slipway's keys under `x-slipway:` and stays a file docker-compose runs.
 * The bare keys still work, with a warning; both at once is an error.
 */
export const EXTENSION_KEY = "x-slipway";

/** The service keys only Slipway knows (compose has no spelling for them): under x-slipway in a compose file. */
export const SLIPWAY_SERVICE_KEYS = ["environments", "hosts", "health", "update"] as const;

/** Slipway's short spellings of compose keys: docker-compose rejects them, compose's own spelling works in both. */
export const COMPOSE_SPELLINGS: Readonly<Record<string, string>> = { replicas: "deploy.replicas", memory: "mem_limit" };

const SLIPWAY_KEYS: ReadonlySet<string> = new Set(SLIPWAY_SERVICE_KEYS);

/** A compose service with its x-slipway keys lifted into it, for serviceSchema. Paths are relative to the service. */
export interface LiftedService {
  readonly raw: unknown;
  /** The keys that came from x-slipway: problems with them point into x-slipway (see fileServicePath). */
  readonly lifted: ReadonlySet<string>;
  readonly problems: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
}

/** Lifts the keys under x-slipway into the service, checking them; warns about keys docker-compose rejects. */
export function liftExtension(raw: unknown): LiftedService {
  if (!isMapping(raw)) return { raw, lifted: new Set(), problems: [], warnings: [] };
  const { [EXTENSION_KEY]: extension, ...service } = raw;
  const warnings = bareKeyWarnings(service);
  if (extension === undefined || extension === null) return { raw: service, lifted: new Set(), problems: [], warnings };
  if (!isMapping(extension)) {
    const problem = {
      path: [EXTENSION_KEY],
      anchor: "value",
      message: `expected a mapping of Slipway's keys (${SLIPWAY_SERVICE_KEYS.join(", ")}), got ${describe(extension)}`,
    } as const;
    return { raw: service, lifted: new Set(), problems: [problem], warnings };
  }
  const problems: ConfigProblem[] = [];
  const lifted = new Set<string>();
  const merged: Record<string, unknown> = { ...service };
  for (const [key, value] of Object.entries(extension)) {
    if (!SLIPWAY_KEYS.has(key)) {
      problems.push({ path: [EXTENSION_KEY, key], anchor: "key", message: unknownKeyMessage(key) });
    } else if (key in service) {
      problems.push({
        path: [key],
        anchor: "key",
        message: `"${key}" is written both here and under ${EXTENSION_KEY}: keep only the one under ${EXTENSION_KEY}`,
      });
    } else {
      merged[key] = value;
      lifted.add(key);
    }
  }
  return { raw: merged, lifted, problems, warnings };
}

/** Where a problem with the lifted service is in the file: a key that came from x-slipway is under it. */
export function fileServicePath(path: ConfigPath, lifted: ReadonlySet<string>): ConfigPath {
  const [first] = path;
  return typeof first === "string" && lifted.has(first) ? [EXTENSION_KEY, ...path] : path;
}

function bareKeyWarnings(service: Readonly<Record<string, unknown>>): ConfigProblem[] {
  return Object.keys(service).flatMap((key): ConfigProblem[] => {
    if (SLIPWAY_KEYS.has(key)) {
      const message = `docker-compose rejects "${key}" in a service (it is Slipway's own key): move it under ${EXTENSION_KEY}: (${EXTENSION_KEY}: { ${key}: ... }), which docker-compose ignores`;
      return [{ path: [key], anchor: "key", message }];
    }
    const spelling = COMPOSE_SPELLINGS[key];
    if (spelling === undefined) return [];
    return [{ path: [key], anchor: "key", message: `docker-compose rejects "${key}" in a service: write compose's own ${spelling}, which Slipway reads too` }];
  });
}

function unknownKeyMessage(key: string): string {
  const spelling = COMPOSE_SPELLINGS[key];
  if (spelling !== undefined) return `"${key}" does not go under ${EXTENSION_KEY}: write compose's own ${spelling} in the service`;
  const meant = suggestion(key, SLIPWAY_SERVICE_KEYS);
  return `unknown key "${key}"${meant} (${EXTENSION_KEY} holds Slipway's own service keys: ${SLIPWAY_SERVICE_KEYS.join(", ")}; compose's keys go in the service itself)`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
