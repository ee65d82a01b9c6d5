import type Docker from "dockerode";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { engineError, isNotFound } from "./errors.js";
import { labelFilters } from "./images.js";

export interface VolumeSummary {
  readonly name: string;
  readonly driver: string;
  readonly mountpoint: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Creates a named volume (a no-op for an existing one of the same name). */
export async function createVolume(
  docker: Docker,
  endpoint: EngineEndpoint,
  spec: { name: string; labels?: Readonly<Record<string, string>> },
): Promise<string> {
  try {
    const volume = await docker.createVolume({ Name: spec.name, Labels: { ...spec.labels } });
    return volume.name;
  } catch (error) {
    throw engineError(error, endpoint, `creating volume ${spec.name}`);
  }
}

/** Removes a named volume; false when it did not exist. A volume in use is an error. */
export async function removeVolume(docker: Docker, endpoint: EngineEndpoint, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).remove();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw engineError(error, endpoint, `removing volume ${name}`);
  }
}

export async function listVolumes(
  docker: Docker,
  endpoint: EngineEndpoint,
  options: { labels?: Readonly<Record<string, string>> } = {},
): Promise<VolumeSummary[]> {
  try {
    const answer = await docker.listVolumes({ filters: JSON.stringify({ label: labelFilters(options.labels) }) });
    return (answer.Volumes ?? []).map((v) => ({ name: v.Name, driver: v.Driver, mountpoint: v.Mountpoint, labels: v.Labels ?? {} }));
  } catch (error) {
    throw engineError(error, endpoint, "listing volumes");
  }
}
