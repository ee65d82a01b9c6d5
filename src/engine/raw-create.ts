import Docker from "dockerode";
import { addressFromEnvironment, parseDockerHost, type EngineEndpoint } from "../reference/docker-host.js";
import { dockerOptions } from "./docker-options.js";
import { describeEngineFailure, engineError } from "./errors.js";
import { imageNotFound } from "./images.js";

/**
 * The few engine calls that ContainerSpec cannot express: recreating a container Slipway did
 * not create (auto-update of labelled containers) needs the engine's own create body (every
 * HostConfig field as inspected), a network connect with static addresses and links, and a
 * rename. The body is plain data the caller built and checked; nothing here interprets it.
 */
export interface RawContainers {
  /** POST /containers/create?name=NAME with this body; returns the new container's ID. */
  create(name: string, body: Readonly<Record<string, unknown>>): Promise<string>;
  /** POST /networks/NETWORK/connect with this EndpointConfig (Aliases, IPAMConfig, Links, DriverOpts). */
  connect(network: string, containerId: string, endpointConfig: Readonly<Record<string, unknown>>): Promise<void>;
  /** POST /containers/ID/rename?name=NAME */
  rename(containerId: string, name: string): Promise<void>;
}

export function rawContainers(docker: Docker, endpoint: EngineEndpoint): RawContainers {
  return {
    async create(name, body) {
      try {
        const container = await docker.createContainer({ ...body, name } as Docker.ContainerCreateOptions);
        return container.id;
      } catch (error) {
        const failure = describeEngineFailure(error);
        const image = typeof body.Image === "string" ? body.Image : "?";
        if (failure.statusCode === 404 && /no such image/i.test(failure.message)) throw imageNotFound(image);
        throw engineError(error, endpoint, `creating container ${name}`);
      }
    },
    async connect(network, containerId, endpointConfig) {
      try {
        await docker.getNetwork(network).connect({ Container: containerId, EndpointConfig: endpointConfig });
      } catch (error) {
        throw engineError(error, endpoint, `connecting container ${containerId} to network ${network}`);
      }
    },
    async rename(containerId, name) {
      try {
        await docker.getContainer(containerId).rename({ name });
      } catch (error) {
        throw engineError(error, endpoint, `renaming container ${containerId} to ${name}`);
      }
    },
  };
}

/** RawContainers on the engine at `host` (DOCKER_HOST syntax), else $DOCKER_HOST, else the default socket. */
export function connectRawContainers(options: { host?: string } = {}): RawContainers {
  const endpoint = parseDockerHost(options.host === undefined ? addressFromEnvironment() : options);
  const docker = new Docker(dockerOptions(endpoint));
  return rawContainers(docker, endpoint);
}
