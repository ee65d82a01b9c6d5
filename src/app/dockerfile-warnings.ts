import { join } from "node:path";
import { checkDockerfiles, type DockerfileCheck } from "../builder/dockerfile-check.js";
import { variantFor, type DockerfileVariant } from "../builder/dockerfile-choice.js";
import { offlineContexts, readerContexts } from "../builder/dockerfile-files.js";
import type { BuildSession } from "../builder/session.js";
import { targetsFromConfig } from "../builder/targets-from-config.js";
import type { Config, LoadedConfig } from "../config/index.js";

export type { DockerfileCheck, DockerfileWarning } from "../builder/dockerfile-check.js";

/**
 * `slipway validate`'s Dockerfile check, without the network: every image's Dockerfile and
 * each declared environment's variant, read from local contexts, local repositories and the
 * mirrors under the state directory (as last fetched).
 */
export function validateDockerfiles(loaded: LoadedConfig, stateDir: string): Promise<DockerfileCheck> {
  const { config } = loaded;
  const sources = Object.entries(config.sources).map(([name, s]) => ({ name, repo: s.repo, branch: s.branch }));
  const open = offlineContexts(sources, { cacheDir: join(stateDir, "mirrors"), baseDir: loaded.dir });
  return checkDockerfiles(targetsFromConfig(config, loaded.dir, { requireRepository: false }).values(), open, environmentVariants(config));
}

/** `slipway plan`'s: the planned images, read as the plan read them, for its environment (else every declared one). */
export function planDockerfiles(session: BuildSession, config: Config, images: readonly string[], env: string | undefined): Promise<DockerfileCheck> {
  const variant = variantFor(env, config.environments);
  const targets = [...session.targets.values()].filter((target) => images.includes(target.name));
  return checkDockerfiles(targets, readerContexts(session.sources), variant === undefined ? environmentVariants(config) : [variant]);
}

function environmentVariants(config: Config): DockerfileVariant[] {
  return Object.keys(config.environments).flatMap((env) => variantFor(env, config.environments) ?? []);
}
