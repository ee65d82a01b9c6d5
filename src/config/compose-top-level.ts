import type { ConfigProblem } from "./issues.js";
import { readProject } from "./compose-project.js";

/**
 * The top level of a compose file as Slipway reads it: services, the named volumes and
 * networks they use, and the project whose volumes it adopts (name:, x-slipway.project).
 * Everything else is refused with what to do instead; other x-* keys are the user's own.
 */
export interface ComposeTopLevel {
  readonly services: Readonly<Record<string, unknown>>;
  /** Named volumes declared under volumes:. */
  readonly volumes: readonly string[];
  /** Of those, the ones marked external: true (their names are used as written). */
  readonly externalVolumes: readonly string[];
  /** Networks declared under networks:. */
  readonly networks: readonly string[];
  /** The compose project whose volumes the file's named volumes are (NAME_<volume>); absent: volumes are named as written. */
  readonly project?: string;
}

const TOP_LEVEL_REFUSALS: Readonly<Record<string, string>> = {
  include: "Slipway reads each compose file on its own; list every file under compose: in slipway.yml instead",
  secrets: "Slipway does not manage compose secrets; pass them with env_file or environment (${VARIABLES}), or bind-mount a file read-only",
  configs: "Slipway does not manage compose configs; bind-mount the file read-only (./app.conf:/etc/app.conf:ro)",
  models: "Slipway does not manage compose models; remove it",
};

const READ_KEYS = new Set(["services", "volumes", "networks", "version", "name"]);
const VOLUME_KEYS = new Set(["external", "driver"]);
const NETWORK_KEYS = new Set(["external", "driver"]);

/** Splits a parsed compose file into what Slipway reads, and the problems with the rest. */
export function readTopLevel(data: unknown): { readonly topLevel: ComposeTopLevel; readonly problems: readonly ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const empty: ComposeTopLevel = { services: {}, volumes: [], externalVolumes: [], networks: [] };
  if (!isMapping(data)) {
    problems.push({ path: [], anchor: "value", message: "a compose file is a mapping with services: at the top" });
    return { topLevel: empty, problems };
  }
  for (const key of Object.keys(data)) {
    if (READ_KEYS.has(key) || key.startsWith("x-")) continue;
    const refusal = TOP_LEVEL_REFUSALS[key];
    problems.push({
      path: [key],
      anchor: "key",
      message: refusal
        ? `Slipway cannot reproduce the top-level "${key}": ${refusal}`
        : `unknown top-level key "${key}": Slipway reads services:, volumes:, networks: and name: of a compose file`,
    });
  }
  const services = readServices(data["services"], problems);
  const volumes = readDeclared("volumes", data["volumes"], VOLUME_KEYS, "local", problems);
  const networks = readDeclared("networks", data["networks"], NETWORK_KEYS, "bridge", problems);
  const externalVolumes = volumes.filter((name) => isExternal(data["volumes"], name));
  const { project, problems: projectProblems } = readProject(data);
  problems.push(...projectProblems);
  return { topLevel: { services, volumes, externalVolumes, networks, ...(project === undefined ? {} : { project }) }, problems };
}

function readServices(value: unknown, problems: ConfigProblem[]): Readonly<Record<string, unknown>> {
  if (value === undefined) {
    problems.push({ path: [], anchor: "value", message: "the compose file has no services: mapping" });
    return {};
  }
  if (!isMapping(value)) {
    problems.push({ path: ["services"], anchor: "value", message: "services: must be a mapping of service name to service" });
    return {};
  }
  return value;
}

function readDeclared(section: "volumes" | "networks", value: unknown, allowed: ReadonlySet<string>, driver: string, problems: ConfigProblem[]): string[] {
  if (value === undefined || value === null) return [];
  if (!isMapping(value)) {
    problems.push({ path: [section], anchor: "value", message: `${section}: must be a mapping of name to options` });
    return [];
  }
  for (const [name, options] of Object.entries(value)) {
    if (options === null || options === undefined) continue;
    if (!isMapping(options)) {
      problems.push({ path: [section, name], anchor: "value", message: `expected nothing, or a mapping of options` });
      continue;
    }
    for (const [key, option] of Object.entries(options)) {
      if (key.startsWith("x-")) continue;
      if (!allowed.has(key)) {
        problems.push({
          path: [section, name, key],
          anchor: "key",
          message: `Slipway cannot reproduce "${key}": it creates ${section} with the ${driver} driver and no options; remove it`,
        });
      } else if (key === "driver" && option !== driver) {
        problems.push({
          path: [section, name, key],
          anchor: "value",
          message: `Slipway creates ${section} with the ${driver} driver only; remove driver: or write ${driver}`,
        });
      } else if (key === "external" && typeof option !== "boolean") {
        problems.push({ path: [section, name, key], anchor: "value", message: "expected true or false" });
      }
    }
  }
  return Object.keys(value);
}

function isExternal(volumes: unknown, name: string): boolean {
  const options = isMapping(volumes) ? volumes[name] : undefined;
  return isMapping(options) && options["external"] === true;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
