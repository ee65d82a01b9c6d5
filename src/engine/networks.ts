import type Docker from "dockerode";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { engineError, isNotFound } from "./errors.js";
import { labelFilters } from "./images.js";

export interface NetworkSpec {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** bridge (default) or overlay. */
  readonly driver?: string;
  readonly attachable?: boolean;
  readonly internal?: boolean;
}

export interface NetworkSummary {
  readonly id: string;
  readonly name: string;
  readonly driver: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Creates a network; returns its ID. */
export async function createNetwork(docker: Docker, endpoint: EngineEndpoint, spec: NetworkSpec): Promise<string> {
  try {
    const network = await docker.createNetwork({
      Name: spec.name,
      Driver: spec.driver ?? "bridge",
      Labels: { ...spec.labels },
      Attachable: spec.attachable ?? false,
      Internal: spec.internal ?? false,
      CheckDuplicate: true,
    });
    return network.id;
  } catch (error) {
    throw engineError(error, endpoint, `creating network ${spec.name}`);
  }
}

/** Removes a network by name or ID; false when it did not exist. */
export async function removeNetwork(docker: Docker, endpoint: EngineEndpoint, name: string): Promise<boolean> {
  try {
    await docker.getNetwork(name).remove();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw engineError(error, endpoint, `removing network ${name}`);
  }
}

export async function listNetworks(
  docker: Docker,
  endpoint: EngineEndpoint,
  options: { labels?: Readonly<Record<string, string>> } = {},
): Promise<NetworkSummary[]> {
  try {
    const networks = await docker.listNetworks({ filters: JSON.stringify({ label: labelFilters(options.labels) }) });
    return networks.map((n) => ({ id: n.Id, name: n.Name, driver: n.Driver, labels: n.Labels ?? {} }));
  } catch (error) {
    throw engineError(error, endpoint, "listing networks");
  }
}
