import { containerDirs, dirVariables, hostDirKinds } from "./host-dirs.js";

/** The image a container was launched from, as its variables name it. */
export interface LaunchedImage {
  /** IMAGE_NAME: the image's name in slipway.yml, or the last part of its repository. */
  readonly name: string;
  /** IMAGE_VERSION: the tag that runs. */
  readonly version: string;
  /** SOURCE_DIR: where a dev checkout is mounted inside, when one is. */
  readonly sourceDir?: string;
}

/**
 * Pure: the environment of a launched container, for `slipway run` and for jobs alike: the
 * caller's variables, then IMAGE_NAME, IMAGE_VERSION, the four directories' variables
 * (DATA_DIR, LOG_DIR, CONFIG_DIR, TMPDIR) and SOURCE_DIR; Slipway's own win over the caller's.
 * Values are passed through untouched (a job's Secrets stay Secrets).
 */
export function launchEnv<V>(own: Readonly<Record<string, V>>, image: LaunchedImage): Record<string, V | string> {
  const env: Record<string, V | string> = { ...own, IMAGE_NAME: image.name, IMAGE_VERSION: image.version };
  for (const kind of hostDirKinds) env[dirVariables[kind]] = containerDirs[kind];
  if (image.sourceDir !== undefined) env["SOURCE_DIR"] = image.sourceDir;
  return env;
}
