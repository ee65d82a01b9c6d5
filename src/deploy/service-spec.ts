import { createHash } from "node:crypto";
import type { HealthcheckSpec } from "../engine/index.js";
import { canonicalJson } from "../graph/fingerprint.js";
import type { HealthProbeSpec, HealthTiming } from "../health/index.js";

export type Strategy = "recreate" | "blue-green" | "rolling";

/** How Slipway decides a container is ready for traffic: the health module's probe kinds. */
export type HealthProbe = HealthProbeSpec;

/** The probe and its timing; a revision not healthy `deadlineMs` after its start is rolled back. */
export interface HealthSettings extends HealthTiming {
  readonly probe: HealthProbe;
}

export interface UpdateSettings {
  readonly strategy: Strategy;
  /** Rolling: how many replicas are replaced at a time. */
  readonly batch: number;
  /** How long old containers keep finishing their requests after traffic moved away. */
  readonly drainMs: number;
  /** How many revisions' images are kept locally for an offline rollback. */
  readonly keep: number;
  /** Start-first strategies on a named volume only when the user says two writers are fine. */
  readonly allowSharedVolumes: boolean;
}

export interface ServicePort {
  readonly target: number;
  /** Where users reach it: the proxy listens here. Omitted: not published. */
  readonly published?: number;
  readonly protocol: "tcp" | "udp";
  readonly hostIp?: string;
}

export type ServiceVolume =
  | { readonly type: "volume" | "bind"; readonly source: string; readonly target: string; readonly readOnly: boolean }
  | { readonly type: "tmpfs"; readonly target: string; readonly sizeBytes?: number };

/**
 * Everything a deployment needs to create a service's containers, fully resolved: the
 * environment's variables merged in, the image reference chosen. Containers are always
 * created from this, never copied from the old container's inspect output.
 */
export interface ServiceSpec {
  readonly service: string;
  readonly environment: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Variables secret beyond their names (src/util/secret-rule.ts): from env files or marked secret. */
  readonly secretEnv?: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly ServicePort[];
  readonly volumes: readonly ServiceVolume[];
  readonly restart?: { readonly policy: "no" | "always" | "on-failure" | "unless-stopped"; readonly maxRetries?: number };
  readonly memoryBytes?: number;
  readonly cpus?: number;
  readonly user?: string;
  readonly workingDir?: string;
  readonly hostname?: string;
  readonly networks: readonly { readonly name: string; readonly aliases: readonly string[] }[];
  readonly healthcheck?: HealthcheckSpec;
  readonly replicas: number;
  readonly stopGracePeriodMs?: number;
  readonly stopSignal?: string;
  readonly init?: boolean;
  readonly readOnly?: boolean;
  readonly health: HealthSettings;
  readonly update: UpdateSettings;
}

/** A stable hash of the spec (key order does not matter), recorded with each revision. */
export function specHash(spec: ServiceSpec): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(0, 16);
}

/** Ports the proxy fronts: published TCP ports. UDP is published directly by the engine. */
export function proxiedPorts(spec: ServiceSpec): ServicePort[] {
  return spec.ports.filter((port) => port.published !== undefined && port.protocol === "tcp");
}

export function directPorts(spec: ServiceSpec): ServicePort[] {
  return spec.ports.filter((port) => port.published !== undefined && port.protocol === "udp");
}

export function namedVolumes(spec: ServiceSpec): string[] {
  return spec.volumes.flatMap((volume) => (volume.type === "volume" && !volume.readOnly ? [volume.source] : []));
}

/**
 * Whether a new replica may take traffic once its HTTP probe passes and settle while serving,
 * with the old revision as the proxy's fallback: the service has one route and the probe asks
 * that route's port, so a passing probe means the port the proxy dials answers.
 */
export function servesWhileSettling(spec: ServiceSpec): boolean {
  const ports = proxiedPorts(spec);
  const { probe } = spec.health;
  if (ports.length !== 1 || probe.kind !== "http") return false;
  return probe.port === undefined || probe.port === ports[0]?.target;
}
