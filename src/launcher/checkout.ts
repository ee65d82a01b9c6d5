import { stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ImageLaunchConfig } from "../config/image-launch-schema.js";
import { SlipwayError } from "../errors/index.js";

type LaunchMount = NonNullable<ImageLaunchConfig["mount"]>;

/**
 * The local checkout the dev profile mounts: `launch.mount.path` when set, else the source's
 * repo when it is a local non-bare working tree (it has a .git), else LAUNCH_INVALID.
 */
export async function findCheckout(input: {
  readonly image: string;
  readonly mount: LaunchMount;
  readonly configDir: string;
  readonly sources: Readonly<Record<string, { readonly repo: string }>>;
}): Promise<string> {
  const { image, mount, configDir } = input;
  if (mount.path !== undefined) {
    const dir = resolve(configDir, mount.path);
    if (!(await isDirectory(dir))) {
      throw new SlipwayError("LAUNCH_INVALID", `images.${image}.launch.mount.path ${dir} is not a directory`, {
        hint: "point launch.mount.path at your local checkout of the source",
      });
    }
    return dir;
  }
  const source = input.sources[mount.source];
  if (source === undefined) {
    throw new SlipwayError("CONFIG_INVALID", `images.${image}.launch.mount.source names ${mount.source}, which is not a source of slipway.yml`, {
      hint: `add it under sources:, or name one of: ${Object.keys(input.sources).join(", ") || "none defined"}`,
    });
  }
  const dir = localRepoDir(source.repo, configDir);
  if (dir !== undefined && (await exists(join(dir, ".git")))) return dir;
  throw new SlipwayError(
    "LAUNCH_INVALID",
    `the dev profile of ${image} needs a local checkout of source ${mount.source}, and its repo ${source.repo} is not a local working tree`,
    {
      hint: `set images.${image}.launch.mount.path to the directory of your checkout`,
    },
  );
}

/** The directory of a repo given as a path or file:// URL; undefined for a remote URL. */
function localRepoDir(repo: string, configDir: string): string | undefined {
  if (repo.startsWith("file://")) return fileURLToPath(repo);
  if (repo.includes("://") || /^[^/]+@[^/:]+:/.test(repo)) return undefined;
  return isAbsolute(repo) ? repo : resolve(configDir, repo);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** .git is a directory in a clone and a file in a worktree. */
async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
