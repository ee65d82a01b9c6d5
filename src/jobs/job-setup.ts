import { join } from "node:path";
import type { BuildTarget } from "../builder/targets.js";
import { readEnvFiles } from "../config/env-files.js";
import type { Config, JobConfig } from "../config/index.js";
import { SlipwayError } from "../errors/index.js";
import type { TagScheme } from "../graph/tag-schemes.js";
import { defaultRunBase, environmentLookup, imageHome, type EnvironmentLookup } from "../images/index.js";
import type { Secret } from "../util/secret.js";
import { withSecrets } from "../util/secret-rule.js";
import { jobNotFound } from "./scheduler.js";

/** What a run of a job needs from slipway.yml, for the CLI and the controller alike. */

export function findJob(config: Config, name: string): JobConfig {
  const job = Object.hasOwn(config.jobs, name) ? config.jobs[name] : undefined;
  if (job === undefined) throw jobNotFound(name, Object.keys(config.jobs));
  return job;
}

/**
 * The image a job runs in: its repository and tag scheme, and for a job of an environment how
 * that environment's newest build is found (src/images/environment-tag.ts).
 */
export function jobImage(config: Config, targets: ReadonlyMap<string, BuildTarget>, name: string, job: JobConfig): JobImage {
  const target = targets.get(job.image);
  if (target === undefined) {
    throw new SlipwayError("CONFIG_INVALID", `job ${name} runs in image ${job.image}, which slipway.yml does not declare`, {
      hint: "declare it under images:",
    });
  }
  const environment = environmentLookup(config, job.environment);
  return { name: job.image, repository: target.repository, scheme: target.tagScheme, ...(environment === undefined ? {} : { environment }) };
}

export interface JobImage {
  /** The image's name in slipway.yml: IMAGE_NAME in the container. */
  readonly name: string;
  readonly repository: string;
  readonly scheme: TagScheme;
  readonly environment?: EnvironmentLookup;
}

/**
 * The job's variables, lowest first: its own env, its environment's env files, its
 * environment's variables (the order a service's are in: the environment's settings win).
 * Secret ones (src/util/secret-rule.ts: by name, marked `secret: true`, or from an env file)
 * become Secrets: passed to the container, redacted from the job's output, never logged.
 */
export function jobEnv(config: Config, configDir: string, job: JobConfig): Record<string, string | Secret> {
  const environment = job.environment === undefined ? undefined : config.environments[job.environment];
  const fromFiles = readEnvFiles(environment?.env_file ?? [], configDir);
  const plain: Record<string, string> = { ...(job.env ?? {}), ...fromFiles, ...(environment?.variables ?? {}) };
  return withSecrets(plain, [...job.secretEnv, ...Object.keys(fromFiles), ...(environment?.secretVariables ?? [])]);
}

/**
 * The job's image's home directory on the host, the one `slipway run IMAGE` uses: the image's
 * `launch.home` (relative to slipway.yml), else <runBase>/<image> (src/images/host-dirs.ts).
 */
export function jobHome(config: Config, configDir: string, job: JobConfig, runBase: string = defaultRunBase()): string {
  return imageHome({ name: job.image, launchHome: config.images[job.image]?.launch?.home }, configDir, runBase);
}

/** Where job logs live: <state dir>/logs/jobs/<job>.log */
export function jobLogDir(stateDir: string): string {
  return join(stateDir, "logs", "jobs");
}

/** Credentials for pulling from slipway.yml's registry, when it declares some. */
export { registryCredentials } from "../builder/registry-reader.js";
