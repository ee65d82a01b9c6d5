import type Docker from "dockerode";
import { createAttachedContainer, type AttachedContainer, type AttachOptions } from "./attach.js";
import { buildImage, type BuildOptions, type BuildResult } from "./build.js";
import { containerLogs, execInContainer, followLogs, waitContainer, type ExecResult, type LogOptions } from "./container-io.js";
import type { ContainerSpec } from "./container-spec.js";
import {
  createContainer,
  inspectContainer,
  listContainers,
  removeContainer,
  startContainer,
  stopContainer,
  type ContainerDetails,
  type ContainerSummary,
} from "./containers.js";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { copyImage, type EngineHandle } from "./image-transfer.js";
import { openExecStream, type ExecStream } from "./exec-stream.js";
import { subscribeEvents, type EngineEvent, type EventOptions } from "./events.js";
import { imageLabels, inspectImage, listImages, removeImage, tagImage, type ImageDetails, type ImageSummary } from "./images.js";
import type { LogChunk } from "./log-frames.js";
import { createNetwork, listNetworks, removeNetwork, type NetworkSpec, type NetworkSummary } from "./networks.js";
import { pullImage, pushImage, type PullResult, type PushResult, type TransferOptions } from "./push-pull.js";
import { engineInfo, engineVersion, type EngineInfo, type EngineVersion } from "./system.js";
import { createVolume, listVolumes, removeVolume, type VolumeSummary } from "./volumes.js";
import { createSwarmApi, type SwarmApi } from "./swarm.js";

type Labels = Readonly<Record<string, string>>;

/** One Docker engine, as Slipway uses it. Every failure is a SlipwayError. */
export interface Engine {
  /** The engine's address, e.g. unix:///var/run/docker.sock. */
  readonly address: string;
  /** How it is reached: a socket on this machine, or another host over tcp or ssh. */
  readonly transport: EngineEndpoint["kind"];
  /** The API version both ends speak, negotiated on connect (e.g. 1.41). */
  readonly apiVersion: string;
  /** Where replicas publish their ports (bind) and where this process reaches them (host). */
  readonly replica: ReplicaAddress;

  version(): Promise<EngineVersion>;
  info(): Promise<EngineInfo>;

  build(options: BuildOptions): Promise<BuildResult>;
  push(ref: string, options?: TransferOptions): Promise<PushResult>;
  pull(ref: string, options?: TransferOptions): Promise<PullResult>;
  inspectImage(ref: string): Promise<ImageDetails | undefined>;
  listImages(options?: { labels?: Labels; reference?: string }): Promise<ImageSummary[]>;
  tagImage(source: string, target: string): Promise<void>;
  removeImage(ref: string, options?: { force?: boolean }): Promise<boolean>;
  imageLabels(ref: string): Promise<Record<string, string>>;
  /** Copies an image of this engine into `target` (docker save | docker load). */
  copyImageTo(target: Engine, ref: string): Promise<void>;

  createContainer(spec: ContainerSpec): Promise<string>;
  /** Creates a container with its output (and stdin, when asked) attached; start it with startContainer. */
  createAttached(spec: ContainerSpec, options: AttachOptions): Promise<AttachedContainer>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, options?: { timeoutSeconds?: number }): Promise<void>;
  removeContainer(id: string, options?: { force?: boolean; volumes?: boolean }): Promise<boolean>;
  inspectContainer(id: string): Promise<ContainerDetails | undefined>;
  listContainers(options?: { labels?: Labels; all?: boolean }): Promise<ContainerSummary[]>;
  logs(id: string, options?: LogOptions): Promise<{ stdout: string; stderr: string }>;
  followLogs(id: string, options?: LogOptions & { signal?: AbortSignal }): AsyncIterable<LogChunk>;
  wait(id: string): Promise<number>;
  exec(id: string, command: readonly string[], options?: { user?: string; workingDir?: string; env?: Labels }): Promise<ExecResult>;
  /** Starts a command in a running container and returns a byte stream to its stdin and stdout. */
  openExec(id: string, command: readonly string[]): Promise<ExecStream>;

  createNetwork(spec: NetworkSpec): Promise<string>;
  removeNetwork(name: string): Promise<boolean>;
  listNetworks(options?: { labels?: Labels }): Promise<NetworkSummary[]>;
  createVolume(spec: { name: string; labels?: Labels }): Promise<string>;
  removeVolume(name: string): Promise<boolean>;
  listVolumes(options?: { labels?: Labels }): Promise<VolumeSummary[]>;

  /** Resolves once subscribed; iterate the result. Ends when `signal` aborts. */
  events(options?: EventOptions): Promise<AsyncIterable<EngineEvent>>;

  /** Swarm services, tasks, nodes and secrets (on a manager). */
  readonly swarm: SwarmApi;
}

/** Where a replica's published ports are: `bind` is the host address they listen on, `host` where they are dialled. */
export interface ReplicaAddress {
  readonly host: string;
  readonly bind: string;
}

const LOCAL_REPLICAS: ReplicaAddress = { host: "127.0.0.1", bind: "127.0.0.1" };

/** Each engine's connection, for copying images between engines without exposing dockerode. */
const handles = new WeakMap<Engine, EngineHandle>();

export function createEngine(docker: Docker, endpoint: EngineEndpoint, options: { apiVersion?: string; replica?: ReplicaAddress } = {}): Engine {
  const engine: Engine = {
    address: endpoint.display,
    transport: endpoint.kind,
    apiVersion: options.apiVersion ?? "",
    replica: options.replica ?? LOCAL_REPLICAS,
    version: () => engineVersion(docker, endpoint),
    info: () => engineInfo(docker, endpoint),
    build: (options) => buildImage(docker, endpoint, options),
    push: (ref, options) => pushImage(docker, endpoint, ref, options),
    pull: (ref, options) => pullImage(docker, endpoint, ref, options),
    inspectImage: (ref) => inspectImage(docker, endpoint, ref),
    listImages: (options) => listImages(docker, endpoint, options),
    tagImage: (source, target) => tagImage(docker, endpoint, source, target),
    removeImage: (ref, options) => removeImage(docker, endpoint, ref, options),
    imageLabels: (ref) => imageLabels(docker, endpoint, ref),
    copyImageTo: async (target, ref) => {
      const to = handles.get(target);
      if (to === undefined) throw new Error("copyImageTo: the target engine was not connected by connectEngine");
      await copyImage({ docker, endpoint }, to, ref);
    },
    createContainer: (spec) => createContainer(docker, endpoint, spec),
    createAttached: (spec, options) => createAttachedContainer(docker, endpoint, spec, options),
    startContainer: (id) => startContainer(docker, endpoint, id),
    stopContainer: (id, options) => stopContainer(docker, endpoint, id, options),
    removeContainer: (id, options) => removeContainer(docker, endpoint, id, options),
    inspectContainer: (id) => inspectContainer(docker, endpoint, id),
    listContainers: (options) => listContainers(docker, endpoint, options),
    logs: (id, options) => containerLogs(docker, endpoint, id, options),
    followLogs: (id, options) => followLogs(docker, endpoint, id, options),
    wait: (id) => waitContainer(docker, endpoint, id),
    exec: (id, command, options) => execInContainer(docker, endpoint, id, command, options),
    openExec: (id, command) => openExecStream(docker, endpoint, id, command),
    createNetwork: (spec) => createNetwork(docker, endpoint, spec),
    removeNetwork: (name) => removeNetwork(docker, endpoint, name),
    listNetworks: (options) => listNetworks(docker, endpoint, options),
    createVolume: (spec) => createVolume(docker, endpoint, spec),
    removeVolume: (name) => removeVolume(docker, endpoint, name),
    listVolumes: (options) => listVolumes(docker, endpoint, options),
    events: (options) => subscribeEvents(docker, endpoint, options),
    swarm: createSwarmApi(docker, endpoint),
  };
  handles.set(engine, { docker, endpoint });
  return engine;
}
