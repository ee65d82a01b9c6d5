import type { LoadedConfig } from "../config/index.js";
import { DEFAULT_LOG_FILES, DEFAULT_LOG_MAX_SIZE } from "../config/job-schema.js";
import { targetsFromConfig } from "../builder/targets-from-config.js";
import { createRegistryPool, registryCredentials } from "../builder/registry-reader.js";
import type { ConfiguredImage } from "./launch-target.js";
import type { LaunchContext } from "./launch.js";
import { join } from "node:path";

type ConfigParts = Pick<LaunchContext, "images" | "sources" | "configDir" | "registry" | "credentials">;

/**
 * The launcher's view of slipway.yml: the images (repository and tag scheme as the build
 * targets spell them, plus launch:), the sources, and registry clients with the configured
 * credentials. Without a config (`loaded` undefined) only repository references can run.
 */
export function launchConfig(loaded: LoadedConfig | undefined, image: string, cwd: string): ConfigParts {
  const pool = createRegistryPool(registrySettings(loaded));
  const base = { registry: (host: string) => pool.client(host), configDir: loaded?.dir ?? cwd };
  if (loaded === undefined) return { ...base, images: new Map(), sources: {} };
  const { config } = loaded;
  const credentials = registryCredentials(loaded.config);
  const images = new Map<string, ConfiguredImage>();
  // Only an image of slipway.yml needs the build targets (which insist on a registry).
  if (config.images[image] !== undefined) {
    for (const [name, target] of targetsFromConfig(config, loaded.dir)) {
      const launch = config.images[name]?.launch;
      images.set(name, { repository: target.repository, tagScheme: target.tagScheme, ...(launch === undefined ? {} : { launch }) });
    }
  } else {
    for (const name of Object.keys(config.images)) images.set(name, { repository: "", tagScheme: "timestamp" });
  }
  return {
    ...base,
    images,
    sources: config.sources,
    ...(credentials === undefined ? {} : { credentials: (host: string) => (host === config.registry?.host ? credentials : undefined) }),
  };
}

/** Where --job writes: <state dir>/logs/jobs/<job>.log, rotated as the job's `log:` says (1 MB x 30 by default). */
export function jobLogSettings(loaded: LoadedConfig | undefined, job: string, stateDir: string): { logDir: string; maxSize: number; files: number } {
  const log = loaded?.config.jobs[job]?.log;
  return { logDir: join(stateDir, "logs", "jobs"), maxSize: log?.max_size ?? DEFAULT_LOG_MAX_SIZE, files: log?.files ?? DEFAULT_LOG_FILES };
}

function registrySettings(loaded: LoadedConfig | undefined): Parameters<typeof createRegistryPool>[0] {
  const registry = loaded?.config.registry;
  if (registry === undefined || loaded === undefined) return undefined;
  const credentials = registryCredentials(loaded.config);
  return { host: registry.host, insecure: registry.insecure, ...(credentials === undefined ? {} : { credentials }) };
}
