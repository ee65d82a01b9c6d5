import type { ContainerSpec } from "../engine/index.js";
import { hostDirMounts, launchEnv, type HostDirs } from "../images/index.js";

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
  const mounts = hostDirMounts(plan.dirs);
  if (plan.checkout !== undefined) mounts.push({ type: "bind", source: plan.checkout.host, target: plan.checkout.target });
  const workdir = plan.workdir ?? plan.checkout?.target;
  return {
    image: plan.reference,
    ...(plan.command.length === 0 ? {} : { command: plan.command }),
    env: planEnv(plan),
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

/** The container's environment (src/images/launch-env.ts, the same as a job's): the user's variables, then Slipway's. */
export function planEnv(plan: LaunchPlan): Record<string, string> {
  return launchEnv(plan.env, { name: plan.name, version: plan.version, ...(plan.checkout === undefined ? {} : { sourceDir: plan.checkout.target }) });
}
