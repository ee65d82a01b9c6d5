import type Docker from "dockerode";
import { SlipwayError } from "../errors/index.js";
import { endpoint as endpointConfig, laterNetworks, toCreateOptions, type ContainerSpec } from "./container-spec.js";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { describeEngineFailure, engineError, isNotFound } from "./errors.js";
import { imageNotFound, labelFilters } from "./images.js";

/** What Slipway reads about a container. `raw` keeps the engine's full answer. */
export interface ContainerDetails {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: {
    readonly status: string;
    readonly running: boolean;
    readonly exitCode: number;
    /** healthy | unhealthy | starting, when the container has a health check. */
    readonly health: string | undefined;
    readonly startedAt: string;
    readonly finishedAt: string;
  };
  readonly raw: Docker.ContainerInspectInfo;
}

export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
  /** created | running | paused | restarting | removing | exited | dead */
  readonly state: string;
  readonly status: string;
  readonly created: Date;
}

/** Creates (does not start) a container; joins its other networks before returning its ID. */
export async function createContainer(docker: Docker, endpoint: EngineEndpoint, spec: ContainerSpec): Promise<string> {
  return (await createFromSpec(docker, endpoint, spec)).id;
}

/**
 * Creates a container from its spec (with `extra` create-options, e.g. attach flags) and
 * connects the networks after the first; a container that cannot join them is removed again.
 */
export async function createFromSpec(
  docker: Docker,
  endpoint: EngineEndpoint,
  spec: ContainerSpec,
  extra: Partial<Docker.ContainerCreateOptions> = {},
): Promise<Docker.Container> {
  const what = spec.name ?? spec.image;
  let container: Docker.Container;
  try {
    container = await docker.createContainer({ ...toCreateOptions(spec), ...extra });
  } catch (error) {
    const failure = describeEngineFailure(error);
    if (failure.statusCode === 404 && /no such image/i.test(failure.message)) throw imageNotFound(spec.image);
    throw engineError(error, endpoint, `creating container ${what}`);
  }
  try {
    for (const network of laterNetworks(spec)) {
      await docker.getNetwork(network.name).connect({ Container: container.id, EndpointConfig: endpointConfig(network) });
    }
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    throw engineError(error, endpoint, `connecting container ${what} to its networks`);
  }
  return container;
}

export async function startContainer(docker: Docker, endpoint: EngineEndpoint, id: string): Promise<void> {
  try {
    await docker.getContainer(id).start();
  } catch (error) {
    if (describeEngineFailure(error).statusCode === 304) return;
    throw containerError(error, endpoint, id, "starting");
  }
}

/** Stops with SIGTERM (or the container's stop signal), then SIGKILL after the timeout. */
export async function stopContainer(docker: Docker, endpoint: EngineEndpoint, id: string, options: { timeoutSeconds?: number } = {}): Promise<void> {
  try {
    await docker.getContainer(id).stop(options.timeoutSeconds === undefined ? {} : { t: options.timeoutSeconds });
  } catch (error) {
    if (describeEngineFailure(error).statusCode === 304) return;
    throw containerError(error, endpoint, id, "stopping");
  }
}

/** Removes a container; its volumes are kept unless `volumes` is true. False when it did not exist. */
export async function removeContainer(
  docker: Docker,
  endpoint: EngineEndpoint,
  id: string,
  options: { force?: boolean; volumes?: boolean } = {},
): Promise<boolean> {
  try {
    await docker.getContainer(id).remove({ force: options.force ?? false, v: options.volumes ?? false });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    if (/already in progress/i.test(describeEngineFailure(error).message)) return true;
    throw engineError(error, endpoint, `removing container ${id}`);
  }
}

/** The container, or undefined when there is none by that ID or name. */
export async function inspectContainer(docker: Docker, endpoint: EngineEndpoint, id: string): Promise<ContainerDetails | undefined> {
  let raw: Docker.ContainerInspectInfo;
  try {
    raw = await docker.getContainer(id).inspect();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw engineError(error, endpoint, `inspecting container ${id}`);
  }
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ""),
    image: raw.Config.Image,
    imageId: raw.Image,
    labels: raw.Config.Labels ?? {},
    state: {
      status: raw.State.Status,
      running: raw.State.Running,
      exitCode: raw.State.ExitCode,
      health: raw.State.Health?.Status,
      startedAt: raw.State.StartedAt,
      finishedAt: raw.State.FinishedAt,
    },
    raw,
  };
}

/** The host port a container port is published on, once the container runs. */
export function publishedPort(details: ContainerDetails, containerPort: number, protocol: "tcp" | "udp" = "tcp"): number | undefined {
  const bindings = details.raw.NetworkSettings.Ports?.[`${containerPort}/${protocol}`];
  const port = bindings?.[0]?.HostPort;
  return port === undefined || port === "" ? undefined : Number(port);
}

/** Lists containers carrying every given label (value "" matches any value); running ones unless `all`. */
export async function listContainers(
  docker: Docker,
  endpoint: EngineEndpoint,
  options: { labels?: Readonly<Record<string, string>>; all?: boolean } = {},
): Promise<ContainerSummary[]> {
  try {
    const containers = await docker.listContainers({ all: options.all ?? false, filters: JSON.stringify({ label: labelFilters(options.labels) }) });
    return containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? "").replace(/^\//, ""),
      image: c.Image,
      imageId: c.ImageID,
      labels: c.Labels ?? {},
      state: c.State,
      status: c.Status,
      created: new Date(c.Created * 1000),
    }));
  } catch (error) {
    throw engineError(error, endpoint, "listing containers");
  }
}

export function containerError(error: unknown, endpoint: EngineEndpoint, id: string, doing: string): SlipwayError {
  const failure = describeEngineFailure(error);
  // A 404 can also name something else the container needs (its network, its image).
  if (failure.statusCode === 404 && /no such container/i.test(failure.message)) {
    return new SlipwayError("CONTAINER_NOT_FOUND", `there is no container ${id} on this Docker engine (while ${doing} it)`, {
      hint: "list containers with `docker ps -a`; it may have been removed",
    });
  }
  return engineError(error, endpoint, `${doing} container ${id}`);
}
