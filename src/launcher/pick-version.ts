import type { Engine, RegistryCredentials } from "../engine/index.js";
import { SlipwayError } from "../errors/index.js";
import { newestFor, newestLocal, type EnvironmentLookup } from "../images/index.js";
import { normalizeReference } from "../reference/index.js";
import type { RegistryClient } from "../registry/index.js";
import type { LaunchTarget } from "./launch-target.js";

/** The version that runs, and whether it had to be pulled. */
export interface PickedVersion {
  /** What the container is created from: repository:tag (or repository@digest). */
  readonly reference: string;
  /** The tag (or the digest when only a digest was named): IMAGE_VERSION in the container. */
  readonly version: string;
  readonly pulled: boolean;
}

export interface PickPorts {
  readonly engine: Engine;
  /** The registry client for a registry host. */
  registry(host: string): RegistryClient;
  /** Credentials for pulling from a registry host, when configured. */
  credentials?(host: string): RegistryCredentials | undefined;
}

/**
 * The newest version by the tag scheme (for an environment: its newest build, by its environment
 * tag): from the registry, pulled only when it is not present locally; with `local`, the newest
 * local one, and the registry is never asked.
 */
export async function pickVersion(
  ports: PickPorts,
  target: LaunchTarget,
  options: { local: boolean; environment?: EnvironmentLookup },
): Promise<PickedVersion> {
  const { engine } = ports;
  const host = normalizeReference(target.repository).domain;
  if (target.pinned !== undefined) {
    const { tag, digest } = target.pinned;
    const reference = `${target.repository}${tag === undefined ? "" : `:${tag}`}${digest === undefined ? "" : `@${digest}`}`;
    return ensurePresent(ports, reference, tag ?? digest ?? "", host, options.local);
  }
  if (options.local) {
    if (options.environment !== undefined) {
      throw new SlipwayError(
        "USAGE",
        `--local and --environment ${options.environment.environment} do not go together: a local image does not say which environment it was built for`,
        {
          hint: "leave out --local to run the environment's newest build from the registry, or leave out --environment",
        },
      );
    }
    const newest = await newestLocal(engine, target.repository, target.scheme);
    return { reference: newest.reference, version: newest.tag, pulled: false };
  }
  const newest = await newestFor(ports.registry(host), target, options.environment);
  return ensurePresent(ports, newest.reference, newest.tag, host, false);
}

async function ensurePresent(ports: PickPorts, reference: string, version: string, host: string, local: boolean): Promise<PickedVersion> {
  if ((await ports.engine.inspectImage(reference)) !== undefined) return { reference, version, pulled: false };
  if (local) {
    throw new SlipwayError("IMAGE_NOT_FOUND", `${reference} is not present locally`, { hint: "leave out --local to pull it from its registry" });
  }
  const credentials = ports.credentials?.(host);
  await ports.engine.pull(reference, credentials === undefined ? {} : { credentials });
  return { reference, version, pulled: true };
}
