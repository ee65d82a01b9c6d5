export { connectEngine, type ConnectOptions } from "./connect.js";
export { createEngine, type Engine, type ReplicaAddress } from "./engine.js";
export { parseDockerHost, addressFromEnvironment, DEFAULT_SOCKET, type EngineEndpoint, type EngineAddress } from "../reference/docker-host.js";
export { negotiateApiVersion } from "./api-version.js";
export type { BuildOptions, BuildResult } from "./build.js";
export type { TransferOptions, PushResult, PullResult } from "./push-pull.js";
export type { RegistryCredentials } from "./registry-auth.js";
export type { ImageDetails, ImageSummary } from "./images.js";
export type { ContainerDetails, ContainerSummary } from "./containers.js";
export type { AttachedContainer, AttachOptions } from "./attach.js";
export { publishedPort } from "./containers.js";
export type { ExecResult, LogOptions } from "./container-io.js";
export type { ExecStream } from "./exec-stream.js";
export { SocketDuplex } from "./socket-duplex.js";
export { FrameSplitter, type LogChunk, type LogStream, type OutputFrame } from "./log-frames.js";
export type { NetworkSpec, NetworkSummary } from "./networks.js";
export type { VolumeSummary } from "./volumes.js";
export type { EngineEvent, EventOptions } from "./events.js";
export type { EngineInfo, EngineVersion } from "./system.js";
export {
  toCreateOptions,
  type ContainerSpec,
  type PortSpec,
  type MountSpec,
  type RestartPolicy,
  type HealthcheckSpec,
  type NetworkAttachment,
} from "./container-spec.js";
export type { ProgressEvent } from "./progress.js";
export { splitImageRef, type ImageRefParts } from "./image-ref.js";
export type { SwarmApi, SwarmNode, SwarmService, SwarmTask } from "./swarm.js";
