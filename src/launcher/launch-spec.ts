import type { ContainerSpec, MountSpec } from "../engine/index.js";
import { containerDirs, dirVariables, hostDirKinds, type HostDirs } from "./host-dirs.js";

/** Everything decided about one launch, as plain data. */
export interface LaunchPlan {
  /** IMAGE_NAME */
  readonly name: string;
  /** IMAGE_VERSION: the tag that runs. */
  readonly version: string;
  /** What the container is created from. */
  readonly reference: string;
  readonly command: readonly string[];
  readonly profile: "dev" | "prod";
  readonly dirs: HostDirs;
  /** The dev profile's checkout on the host and its place inside. */
  readonly checkout?: { readonly host: string; readonly target: string };
  /** "uid:gid", or undefined to keep the image's user. */
  readonly user?: string;
  readonly workdir?: string;
  /** The image's launch.env, then env files, then -e: later wins; Slipway's variables win over all. */
  readonly env: Readonly<Record<string, string>>;
  readonly tty: boolean;
  /** Job name when run with --job. */
  readonly job?: string;
}

export const LAUNCH_LABEL = "slipway.launch";

/** Pure: the container for a launch plan. */
export function launchSpec(plan: LaunchPlan): ContainerSpec {
  const mounts: MountSpec[] = hostDirKinds.map((kind) => ({ type: "bind", source: plan.dirs[kind], target: containerDirs[kind] }));
  if (plan.checkout !== undefined) mounts.push({ type: "bind", source: plan.checkout.host, target: plan.checkout.target });
  const workdir = plan.workdir ?? plan.checkout?.target;
  return {
    image: plan.reference,
    ...(plan.command.length === 0 ? {} : { command: plan.command }),
    env: launchEnv(plan),
    labels: {
      [LAUNCH_LABEL]: plan.name,
      "slipway.launch.version": plan.version,
      "slipway.launch.profile": plan.profile,
      ...(plan.job === undefined ? {} : { "slipway.job": plan.job }),
    },
    mounts,
    ...(plan.user === undefined ? {} : { user: plan.user }),
    ...(workdir === undefined ? {} : { workingDir: workdir }),
    tty: plan.tty,
    init: true,
  };
}

/** The container's environment: the user's variables, then IMAGE_NAME, IMAGE_VERSION, the directories and SOURCE_DIR. */
export function launchEnv(plan: LaunchPlan): Record<string, string> {
  const env: Record<string, string> = { ...plan.env, IMAGE_NAME: plan.name, IMAGE_VERSION: plan.version };
  for (const kind of hostDirKinds) env[dirVariables[kind]] = containerDirs[kind];
  if (plan.checkout !== undefined) env["SOURCE_DIR"] = plan.checkout.target;
  return env;
}
