import type { ContainerSpec, MountSpec, PortSpec } from "../engine/index.js";
import { containerName, LABEL, serviceSelector } from "./labels.js";
import type { ServiceSpec } from "./service-spec.js";

const NANOS_PER_CPU = 1_000_000_000;

export interface ContainerIdentity {
  readonly revision: number;
  readonly replica: number;
  readonly specHash: string;
  readonly deploymentId?: number;
}

/**
 * The engine spec of one replica of a revision, from the declared service spec alone.
 * Published TCP ports are bound to an ephemeral port on `publishOn` (loopback for the local
 * engine; the host's address for another: Engine.replica.bind): the proxy listens on the
 * published port and forwards to the revision that is live. UDP ports are bound as declared.
 */
export function containerSpecFor(spec: ServiceSpec, identity: ContainerIdentity, publishOn = "127.0.0.1"): ContainerSpec {
  const labels: Record<string, string> = {
    ...spec.labels,
    ...serviceSelector(spec.service, spec.environment),
    [LABEL.revision]: String(identity.revision),
    [LABEL.replica]: String(identity.replica),
    [LABEL.specHash]: identity.specHash,
  };
  if (identity.deploymentId !== undefined) labels[LABEL.deployment] = String(identity.deploymentId);
  return {
    name: containerName(spec.service, spec.environment, identity.revision, identity.replica),
    image: spec.image,
    ...(spec.command === undefined ? {} : { command: spec.command }),
    ...(spec.entrypoint === undefined ? {} : { entrypoint: spec.entrypoint }),
    env: spec.env,
    labels,
    ports: spec.ports.map((port) => portFor(port, publishOn)),
    mounts: spec.volumes.map(mountFor),
    ...(spec.restart === undefined ? {} : { restart: restartFor(spec.restart) }),
    ...(spec.memoryBytes === undefined ? {} : { memoryBytes: spec.memoryBytes }),
    ...(spec.cpus === undefined ? {} : { nanoCpus: Math.round(spec.cpus * NANOS_PER_CPU) }),
    ...(spec.user === undefined ? {} : { user: spec.user }),
    ...(spec.workingDir === undefined ? {} : { workingDir: spec.workingDir }),
    ...(spec.hostname === undefined ? {} : { hostname: spec.hostname }),
    networks: spec.networks,
    ...(spec.healthcheck === undefined ? {} : { healthcheck: spec.healthcheck }),
    ...(spec.stopSignal === undefined ? {} : { stopSignal: spec.stopSignal }),
    ...(spec.stopGracePeriodMs === undefined ? {} : { stopTimeoutSeconds: Math.ceil(spec.stopGracePeriodMs / 1000) }),
    ...(spec.init === undefined ? {} : { init: spec.init }),
    ...(spec.readOnly === undefined ? {} : { readOnlyRootFilesystem: spec.readOnly }),
  };
}

function portFor(port: ServiceSpec["ports"][number], publishOn: string): PortSpec {
  if (port.published === undefined) return { containerPort: port.target, protocol: port.protocol };
  if (port.protocol === "udp") {
    return { containerPort: port.target, protocol: "udp", hostPort: port.published, ...(port.hostIp === undefined ? {} : { hostIp: port.hostIp }) };
  }
  return { containerPort: port.target, protocol: "tcp", hostPort: 0, hostIp: publishOn };
}

function mountFor(volume: ServiceSpec["volumes"][number]): MountSpec {
  if (volume.type === "tmpfs") return { type: "tmpfs", target: volume.target, ...(volume.sizeBytes === undefined ? {} : { sizeBytes: volume.sizeBytes }) };
  return { type: volume.type, source: volume.source, target: volume.target, readOnly: volume.readOnly };
}

function restartFor(restart: NonNullable<ServiceSpec["restart"]>): NonNullable<ContainerSpec["restart"]> {
  if (restart.policy === "on-failure") return { name: "on-failure", ...(restart.maxRetries === undefined ? {} : { maximumRetryCount: restart.maxRetries }) };
  return { name: restart.policy };
}
