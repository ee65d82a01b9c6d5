import type { ServicePort } from "./service-ports.js";
import type { ServiceVolume } from "./service-volumes.js";
import type { Strategy } from "./service-update.js";

/** Rules between the keys of one service. Each returns the problems it finds, with the key they are about. */
export interface ServiceIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface StrategyRuleInputs {
  readonly strategy: Strategy;
  /** Where the strategy came from, for messages: the key the user wrote, or "default". */
  readonly strategyFrom: readonly (string | number)[] | "default";
  readonly replicas: number;
  readonly batch: number;
  readonly ports: readonly ServicePort[];
  readonly volumes: readonly VolumeKind[];
  readonly allowSharedVolumes: boolean;
}

/** What the rules read of a mount (a config entry or a deploy spec's). */
export type VolumeKind = Pick<Extract<ServiceVolume, { type: "volume" | "bind" }>, "type" | "source"> | { readonly type: "tmpfs" };

const STRATEGY_PATH = ["update", "strategy"];

/** The rules a strategy puts on the rest of the service. */
export function strategyIssues(input: StrategyRuleInputs): ServiceIssue[] {
  const path = input.strategyFrom === "default" ? STRATEGY_PATH : [...input.strategyFrom];
  const issues: ServiceIssue[] = [];
  if (input.replicas === 0) return issues;
  if (input.strategy === "rolling" && input.replicas < 2) {
    issues.push({
      path,
      message: "a rolling update replaces replicas a few at a time and needs replicas: 2 or more; use update.strategy: blue-green for a single replica",
    });
  }
  if (input.strategy === "rolling" && input.batch > input.replicas && input.replicas >= 1) {
    issues.push({
      path: ["update", "batch"],
      message: `update.batch (${input.batch}) is more than replicas (${input.replicas}): a rolling update replaces at most all replicas at a time`,
    });
  }
  if (input.strategy === "recreate") return issues;
  issues.push(...proxyPortIssues(input.strategy, input.ports));
  issues.push(...sharedVolumeIssues(input.strategy, input.volumes, input.allowSharedVolumes));
  return issues;
}

/**
 * blue-green and rolling run two revisions at once behind the proxy, which listens on the
 * published port and forwards to the healthy revision: every port needs a host port the
 * proxy can own, and must be TCP.
 */
function proxyPortIssues(strategy: Strategy, ports: readonly ServicePort[]): ServiceIssue[] {
  return ports.flatMap((port, index): ServiceIssue[] => {
    if (port.protocol === "udp") {
      return [
        { path: ["ports", index], message: `${strategy} routes through Slipway's proxy, which forwards TCP only; a UDP port needs update.strategy: recreate` },
      ];
    }
    if (port.published === undefined) {
      return [
        {
          path: ["ports", index],
          message: `${strategy} routes through Slipway's proxy, which listens on the published port: write "HOST:${port.target}", or use update.strategy: recreate`,
        },
      ];
    }
    return [];
  });
}

function sharedVolumeIssues(strategy: Strategy, volumes: readonly VolumeKind[], allowShared: boolean): ServiceIssue[] {
  if (allowShared) return [];
  return volumes.flatMap((volume, index): ServiceIssue[] => {
    if (volume.type !== "volume") return [];
    return [
      {
        path: ["volumes", index],
        message:
          `${strategy} runs the old and the new revision at once, so both would write the named volume "${volume.source}" (two writers on one volume can corrupt it); ` +
          "use update.strategy: recreate, or set update.allow_shared_volumes: true if the application supports it",
      },
    ];
  });
}

/** Mounts over the same path, and host ports published twice. */
export function duplicateIssues(ports: readonly ServicePort[], volumes: readonly ServiceVolume[]): ServiceIssue[] {
  const issues: ServiceIssue[] = [];
  const targets = new Map<string, number>();
  volumes.forEach((volume, index) => {
    const first = targets.get(volume.target);
    if (first !== undefined) issues.push({ path: ["volumes", index], message: `${volume.target} is mounted twice (also by entry ${first + 1})` });
    else targets.set(volume.target, index);
  });
  const published = new Map<string, number>();
  ports.forEach((port, index) => {
    if (port.published === undefined) return;
    const key = `${port.hostIp ?? "*"}:${port.published}/${port.protocol}`;
    const first = published.get(key);
    if (first !== undefined)
      issues.push({ path: ["ports", index], message: `host port ${port.published}/${port.protocol} is published twice (also by entry ${first + 1})` });
    else published.set(key, index);
  });
  return issues;
}

/** One value given under two keys (mem_limit and deploy.resources.limits.memory): they must agree. */
export function agreeing<T>(
  values: readonly { readonly path: readonly (string | number)[]; readonly value: T | undefined }[],
  issues: ServiceIssue[],
): T | undefined {
  const given = values.filter((entry): entry is { path: readonly (string | number)[]; value: T } => entry.value !== undefined);
  const [first, ...rest] = given;
  if (!first) return undefined;
  for (const other of rest) {
    if (other.value !== first.value) {
      issues.push({
        path: other.path,
        message: `${other.path.join(".")} (${String(other.value)}) disagrees with ${first.path.join(".")} (${String(first.value)}): write it once`,
      });
    }
  }
  return first.value;
}
