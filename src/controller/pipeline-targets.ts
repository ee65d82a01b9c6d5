import type { Config } from "../config/index.js";

/**
 * Which pipelines a new commit on a source's branch starts: one per environment bound to that
 * branch (`environments.<env>.branches`). A commit to the source's own branch, bound to no
 * environment, runs the "default" environment's pipeline when slipway.yml declares no
 * environments, and a build-only pipeline (images, no deployment) otherwise.
 */
export interface PipelineTarget {
  readonly environment: string;
  /** False for a build-only run. */
  readonly deploy: boolean;
}

export const BUILD_ONLY = "(build only)";

export function pipelinesFor(config: Config, source: string, branch: string): PipelineTarget[] {
  const declared = config.sources[source];
  if (declared === undefined) return [];
  const bound = Object.entries(config.environments)
    .filter(([, env]) => env.branches?.includes(branch) === true)
    .map(([environment]) => ({ environment, deploy: true }));
  if (bound.length > 0) return bound;
  if (branch !== declared.branch) return [];
  if (Object.keys(config.environments).length === 0) return [{ environment: "default", deploy: true }];
  return [{ environment: BUILD_ONLY, deploy: false }];
}

/** Every (source, branch) a controller watches: each source's own branch and each environment's. */
export function watchedBranches(config: Config): { source: string; branch: string }[] {
  const branches = new Set<string>();
  for (const env of Object.values(config.environments)) for (const branch of env.branches ?? []) branches.add(branch);
  const watched: { source: string; branch: string }[] = [];
  for (const [source, declared] of Object.entries(config.sources)) {
    watched.push({ source, branch: declared.branch });
    for (const branch of branches) if (branch !== declared.branch) watched.push({ source, branch });
  }
  return watched;
}

/** The graph images the services of an environment run (all images when it has no services). */
export function imagesOfEnvironment(config: Config, environment: string): string[] {
  const images = new Set<string>();
  for (const service of Object.values(config.services)) {
    if (service.environments !== undefined && !service.environments.includes(environment)) continue;
    if (config.images[service.image] !== undefined) images.add(service.image);
  }
  return images.size === 0 ? Object.keys(config.images) : [...images];
}

/** The services of an environment that run one of `images` (graph image names). */
export function servicesUsing(config: Config, environment: string, images: ReadonlySet<string>): string[] {
  return Object.entries(config.services)
    .filter(([, service]) => (service.environments === undefined || service.environments.includes(environment)) && images.has(service.image))
    .map(([name]) => name);
}
