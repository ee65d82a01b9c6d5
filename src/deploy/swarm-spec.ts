import { defaultSettleMs } from "../health/settle-state.js";
import { LABEL, serviceSelector } from "./labels.js";
import type { ServiceSpec, ServiceVolume, Strategy } from "./service-spec.js";

/**
 * A Swarm service as the Engine API takes it (POST /services/create, /services/{id}/update),
 * made from the declared service spec alone, never from what the swarm holds: the image pinned
 * by digest, replicas, placement, resources, restart policy, environment, secrets, networks,
 * the health check, and the update order and pace the strategy implies (docs/swarm.md). Plain
 * data; src/engine applies it and the update watch (swarm-watch.ts) follows it to the end.
 */
export interface SwarmServiceSpec {
  readonly Name: string;
  readonly Labels: Readonly<Record<string, string>>;
  readonly TaskTemplate: {
    readonly ContainerSpec: SwarmContainerSpec;
    readonly Resources?: { readonly Limits: { readonly NanoCPUs?: number; readonly MemoryBytes?: number } };
    readonly RestartPolicy: { readonly Condition: "none" | "on-failure" | "any"; readonly MaxAttempts?: number };
    readonly Placement: {
      readonly Constraints: readonly string[];
      readonly Preferences: readonly { readonly Spread: { readonly SpreadDescriptor: string } }[];
      readonly MaxReplicas?: number;
    };
    readonly Networks: readonly { readonly Target: string; readonly Aliases: readonly string[] }[];
    /** Changes whenever the revision does, so an update always replaces the tasks. */
    readonly ForceUpdate: number;
  };
  readonly Mode: { readonly Replicated: { readonly Replicas: number } };
  readonly UpdateConfig: SwarmUpdateConfig;
  readonly EndpointSpec: {
    readonly Mode: "dnsrr" | "vip";
    readonly Ports: readonly {
      readonly Protocol: "tcp" | "udp";
      readonly TargetPort: number;
      readonly PublishedPort: number;
      readonly PublishMode: "ingress" | "host";
    }[];
  };
}

export interface SwarmContainerSpec {
  readonly Image: string;
  readonly Command?: readonly string[];
  readonly Args?: readonly string[];
  readonly Env: readonly string[];
  readonly Labels: Readonly<Record<string, string>>;
  readonly User?: string;
  readonly Dir?: string;
  readonly Hostname?: string;
  readonly Init?: boolean;
  readonly ReadOnly?: boolean;
  readonly StopSignal?: string;
  /** Nanoseconds. */
  readonly StopGracePeriod?: number;
  readonly Healthcheck?: {
    readonly Test: readonly string[];
    readonly Interval?: number;
    readonly Timeout?: number;
    readonly StartPeriod?: number;
    readonly Retries?: number;
  };
  readonly Mounts: readonly SwarmMount[];
  readonly Secrets: readonly {
    readonly SecretID: string;
    readonly SecretName: string;
    readonly File: { readonly Name: string; readonly UID: string; readonly GID: string; readonly Mode: number };
  }[];
}

export type SwarmMount =
  | { readonly Type: "volume" | "bind"; readonly Source: string; readonly Target: string; readonly ReadOnly: boolean }
  | { readonly Type: "tmpfs"; readonly Target: string; readonly TmpfsOptions?: { readonly SizeBytes: number } };

export interface SwarmUpdateConfig {
  readonly Parallelism: number;
  /** Nanoseconds between batches. */
  readonly Delay: number;
  /** Swarm stops and reports; Slipway decides what comes next (its own last good spec), never Swarm's one-step rollback. */
  readonly FailureAction: "pause";
  /** Nanoseconds a new task is watched for failing after it starts: the settle time. */
  readonly Monitor: number;
  readonly MaxFailureRatio: number;
  readonly Order: "start-first" | "stop-first";
}

/** Where tasks may run: node constraints (`node.role==worker`, `node.labels.zone==a`), spread preferences, one task per node. */
export interface SwarmPlacement {
  readonly constraints?: readonly string[];
  readonly spread?: readonly string[];
  readonly onePerNode?: boolean;
}

export interface SwarmOptions {
  /** The overlay network every task joins, where the per-node proxies reach them. */
  readonly network: string;
  readonly placement?: SwarmPlacement;
  /** dnsrr (the default: no IPVS needed, a proxy per node routes) or the routing mesh (vip, ingress ports). */
  readonly endpoint?: "dnsrr" | "vip";
  /** The Swarm secrets holding the spec's secret variables (created beforehand, one per value), by variable. */
  readonly secrets?: Readonly<Record<string, { readonly id: string; readonly name: string }>>;
}

export interface SwarmIdentity {
  readonly revision: number;
  readonly specHash: string;
  readonly deploymentId: number;
}

const NANOS_PER_MS = 1_000_000;
const NANOS_PER_SECOND = 1_000_000_000;
/** Swarm service names are DNS labels. */
const NAME_MAX = 63;

/** The Swarm service of a service in an environment: `<service>-<environment>`, readable in `docker service ls`. */
export function swarmServiceName(service: string, environment: string): string {
  const name = `${service}-${environment}`;
  return name.length <= NAME_MAX ? name : name.slice(0, NAME_MAX).replace(/-+$/, "");
}

/** Start-first for blue-green and rolling (the old task serves until the new one is up), stop-first for recreate. */
export function updateOrder(strategy: Strategy): SwarmUpdateConfig["Order"] {
  return strategy === "recreate" ? "stop-first" : "start-first";
}

/**
 * How Swarm paces an update: blue-green replaces every replica at once, start-first; rolling
 * `update.batch` at a time; recreate stops each batch first. A new task must stay up for the
 * settle time (at least a second) before the next batch; Swarm pauses on a failure and Slipway
 * takes over. The health deadline bounds Slipway's watch of the whole update, not each task.
 */
export function updateConfig(spec: ServiceSpec): SwarmUpdateConfig {
  const parallelism = spec.update.strategy === "blue-green" ? Math.max(1, spec.replicas) : Math.max(1, spec.update.batch);
  return {
    Parallelism: parallelism,
    Delay: 0,
    FailureAction: "pause",
    Monitor: Math.max(spec.health.settleMs ?? defaultSettleMs(spec.health.probe.kind), 1000) * NANOS_PER_MS,
    MaxFailureRatio: 0,
    Order: updateOrder(spec.update.strategy),
  };
}

function mountFor(volume: ServiceVolume): SwarmMount {
  if (volume.type === "tmpfs") {
    return { Type: "tmpfs", Target: volume.target, ...(volume.sizeBytes === undefined ? {} : { TmpfsOptions: { SizeBytes: volume.sizeBytes } }) };
  }
  return { Type: volume.type, Source: volume.source, Target: volume.target, ReadOnly: volume.readOnly };
}

function restartFor(spec: ServiceSpec): SwarmServiceSpec["TaskTemplate"]["RestartPolicy"] {
  const policy = spec.restart?.policy ?? "always";
  if (policy === "no") return { Condition: "none" };
  if (policy === "on-failure") return { Condition: "on-failure", ...(spec.restart?.maxRetries === undefined ? {} : { MaxAttempts: spec.restart.maxRetries }) };
  return { Condition: "any" };
}

/** `KEY=value`, sorted, without the variables that travel as Swarm secrets. */
function envFor(spec: ServiceSpec, secret: ReadonlySet<string>): string[] {
  return Object.entries(spec.env)
    .filter(([name]) => !secret.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`);
}

function healthcheckFor(spec: ServiceSpec): SwarmContainerSpec["Healthcheck"] | undefined {
  const check = spec.healthcheck;
  if (check === undefined) return undefined;
  return {
    Test: check.test,
    ...(check.intervalSeconds === undefined ? {} : { Interval: check.intervalSeconds * NANOS_PER_SECOND }),
    ...(check.timeoutSeconds === undefined ? {} : { Timeout: check.timeoutSeconds * NANOS_PER_SECOND }),
    ...(check.startPeriodSeconds === undefined ? {} : { StartPeriod: check.startPeriodSeconds * NANOS_PER_SECOND }),
    ...(check.retries === undefined ? {} : { Retries: check.retries }),
  };
}

/** The ports the routing mesh publishes (vip only): with dnsrr, traffic reaches tasks through the per-node proxy instead. */
function endpointFor(spec: ServiceSpec, mode: "dnsrr" | "vip"): SwarmServiceSpec["EndpointSpec"] {
  if (mode === "dnsrr") return { Mode: "dnsrr", Ports: [] };
  return {
    Mode: "vip",
    Ports: spec.ports.flatMap((port) =>
      port.published === undefined
        ? []
        : [{ Protocol: port.protocol, TargetPort: port.target, PublishedPort: port.published, PublishMode: "ingress" as const }],
    ),
  };
}

/**
 * The Swarm service spec of a revision. Every task is labelled like a container Slipway creates
 * (service, environment, revision, spec hash, deployment), so what runs is read from the swarm
 * as it is from an engine. The image must be pinned by digest: a tag could move between nodes.
 */
export function swarmServiceSpec(spec: ServiceSpec, identity: SwarmIdentity, options: SwarmOptions): SwarmServiceSpec {
  const labels = {
    ...spec.labels,
    ...serviceSelector(spec.service, spec.environment),
    [LABEL.revision]: String(identity.revision),
    [LABEL.specHash]: identity.specHash,
    [LABEL.deployment]: String(identity.deploymentId),
  };
  const secrets = options.secrets ?? {};
  const secretNames = new Set(Object.keys(secrets));
  const placement = options.placement ?? {};
  return {
    Name: swarmServiceName(spec.service, spec.environment),
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: spec.image,
        ...(spec.entrypoint === undefined ? {} : { Command: spec.entrypoint }),
        ...(spec.command === undefined ? {} : { Args: spec.command }),
        Env: envFor(spec, secretNames),
        Labels: labels,
        ...(spec.user === undefined ? {} : { User: spec.user }),
        ...(spec.workingDir === undefined ? {} : { Dir: spec.workingDir }),
        ...(spec.hostname === undefined ? {} : { Hostname: spec.hostname }),
        ...(spec.init === undefined ? {} : { Init: spec.init }),
        ...(spec.readOnly === undefined ? {} : { ReadOnly: spec.readOnly }),
        ...(spec.stopSignal === undefined ? {} : { StopSignal: spec.stopSignal }),
        ...(spec.stopGracePeriodMs === undefined ? {} : { StopGracePeriod: spec.stopGracePeriodMs * NANOS_PER_MS }),
        ...(healthcheckFor(spec) === undefined ? {} : { Healthcheck: healthcheckFor(spec) }),
        Mounts: spec.volumes.map(mountFor),
        Secrets: Object.entries(secrets)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([variable, secret]) => ({ SecretID: secret.id, SecretName: secret.name, File: { Name: variable, UID: "0", GID: "0", Mode: 0o400 } })),
      },
      ...(spec.cpus === undefined && spec.memoryBytes === undefined
        ? {}
        : {
            Resources: {
              Limits: {
                ...(spec.cpus === undefined ? {} : { NanoCPUs: Math.round(spec.cpus * NANOS_PER_SECOND) }),
                ...(spec.memoryBytes === undefined ? {} : { MemoryBytes: spec.memoryBytes }),
              },
            },
          }),
      RestartPolicy: restartFor(spec),
      Placement: {
        Constraints: [...(placement.constraints ?? [])],
        Preferences: (placement.spread ?? []).map((descriptor) => ({ Spread: { SpreadDescriptor: descriptor } })),
        ...(placement.onePerNode === true ? { MaxReplicas: 1 } : {}),
      },
      Networks: [{ Target: options.network, Aliases: [spec.service] }, ...spec.networks.map((n) => ({ Target: n.name, Aliases: [...n.aliases] }))],
      ForceUpdate: identity.revision,
    },
    Mode: { Replicated: { Replicas: spec.replicas } },
    UpdateConfig: updateConfig(spec),
    EndpointSpec: endpointFor(spec, options.endpoint ?? "dnsrr"),
  };
}
