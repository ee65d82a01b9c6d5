import { chown, mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { MountSpec } from "../engine/index.js";

/**
 * The standard host directories of a launched image (by `slipway run` and by a job), and
 * where they appear inside it.
 */
export const hostDirKinds = ["data", "logs", "config", "tmp"] as const;
export type HostDirKind = (typeof hostDirKinds)[number];
export type HostDirs = Readonly<Record<HostDirKind, string>>;

/** Mount targets inside the container. tmp is /scratch so the image's own /tmp stays as it is. */
export const containerDirs: HostDirs = { data: "/data", logs: "/logs", config: "/config", tmp: "/scratch" };

/** The environment variable naming each directory inside the container. */
export const dirVariables: HostDirs = { data: "DATA_DIR", logs: "LOG_DIR", config: "CONFIG_DIR", tmp: "TMPDIR" };

/** $XDG_DATA_HOME/slipway/run, else ~/.local/share/slipway/run: the base of every image's home. */
export function defaultRunBase(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const xdg = env["XDG_DATA_HOME"];
  return xdg ? join(xdg, "slipway", "run") : join(homedir(), ".local", "share", "slipway", "run");
}

/** Pure: an image's home directory: its `launch.home` (relative to slipway.yml) when set, else <runBase>/<image>. */
export function imageHome(image: { readonly name: string; readonly launchHome?: string | undefined }, configDir: string, runBase: string): string {
  return image.launchHome === undefined ? join(runBase, image.name) : resolve(configDir, image.launchHome);
}

/** The four directories under an image's home directory. */
export function hostDirs(home: string): HostDirs {
  return { data: join(home, "data"), logs: join(home, "logs"), config: join(home, "config"), tmp: join(home, "tmp") };
}

/** Pure: the four directories bind-mounted at their places inside. */
export function hostDirMounts(dirs: HostDirs): MountSpec[] {
  return hostDirKinds.map((kind) => ({ type: "bind", source: dirs[kind], target: containerDirs[kind] }));
}

/**
 * Creates the directories that are missing. Run as root for another user, the ones it creates
 * are given to that user, so the container (running as them) can write there.
 */
export async function ensureHostDirs(dirs: HostDirs, owner?: { uid: number; gid: number }): Promise<void> {
  for (const kind of hostDirKinds) {
    const created = await mkdir(dirs[kind], { recursive: true });
    if (created === undefined || owner === undefined || process.getuid?.() !== 0) continue;
    await chown(dirs[kind], owner.uid, owner.gid);
  }
}
