import { isUnset, stringOf, stringsOf, type Json } from "./inspect-json.js";

/**
 * HostConfig keys of API 1.41. The inspected HostConfig has the create body's own shape, so
 * every key marked "copy" is passed back as it is (Devices, DeviceCgroupRules, DeviceRequests,
 * Ulimits, Sysctls, SecurityOpt... reproduced exactly); "drop" keys are the CLI's business;
 * "refuse" keys cannot be reproduced and stop the update when set. Keys not listed are refused
 * when set to anything but the engine's default.
 */
const HOST_CONFIG_KEYS = {
  Binds: "copy",
  ContainerIDFile: "drop",
  LogConfig: "copy",
  NetworkMode: "copy",
  PortBindings: "copy",
  RestartPolicy: "copy",
  AutoRemove: "refuse",
  VolumeDriver: "copy",
  VolumesFrom: "refuse",
  CapAdd: "copy",
  CapDrop: "copy",
  CgroupnsMode: "copy",
  Dns: "copy",
  DnsOptions: "copy",
  DnsSearch: "copy",
  ExtraHosts: "copy",
  GroupAdd: "copy",
  IpcMode: "copy",
  Cgroup: "copy",
  Links: "refuse",
  OomScoreAdj: "copy",
  PidMode: "copy",
  Privileged: "copy",
  PublishAllPorts: "copy",
  ReadonlyRootfs: "copy",
  SecurityOpt: "copy",
  StorageOpt: "copy",
  Tmpfs: "copy",
  UTSMode: "copy",
  UsernsMode: "copy",
  ShmSize: "copy",
  Sysctls: "copy",
  Runtime: "copy",
  ConsoleSize: "copy",
  Isolation: "copy",
  CpuShares: "copy",
  Memory: "copy",
  NanoCpus: "copy",
  CgroupParent: "copy",
  BlkioWeight: "copy",
  BlkioWeightDevice: "copy",
  BlkioDeviceReadBps: "copy",
  BlkioDeviceWriteBps: "copy",
  BlkioDeviceReadIOps: "copy",
  BlkioDeviceWriteIOps: "copy",
  CpuPeriod: "copy",
  CpuQuota: "copy",
  CpuRealtimePeriod: "copy",
  CpuRealtimeRuntime: "copy",
  CpusetCpus: "copy",
  CpusetMems: "copy",
  Devices: "copy",
  DeviceCgroupRules: "copy",
  DeviceRequests: "copy",
  KernelMemory: "copy",
  KernelMemoryTCP: "copy",
  MemoryReservation: "copy",
  MemorySwap: "copy",
  MemorySwappiness: "copy",
  OomKillDisable: "copy",
  PidsLimit: "copy",
  Ulimits: "copy",
  CpuCount: "copy",
  CpuPercent: "copy",
  IOMaximumIOps: "copy",
  IOMaximumBandwidth: "copy",
  Mounts: "copy",
  MaskedPaths: "copy",
  ReadonlyPaths: "copy",
  Init: "copy",
} as const;

/** Why a refused key cannot be reproduced, in the words of `docker run`. */
const REFUSED_BECAUSE: Readonly<Record<string, string>> = {
  AutoRemove: "HostConfig.AutoRemove (--rm): stopping the old container would remove it, so it could not be started again if the new one failed",
  VolumesFrom: "HostConfig.VolumesFrom (--volumes-from): the volumes belong to another container's lifecycle",
  Links:
    "HostConfig.Links (--link on the default bridge): legacy links name the old container and break when it is removed; use a user-defined network and an alias",
};

export interface HostConfigCopy {
  readonly hostConfig: Record<string, unknown>;
  readonly problems: readonly string[];
}

/** The HostConfig for the new container, and every reason it cannot be reproduced. */
export function copyHostConfig(inspected: Json): HostConfigCopy {
  const hostConfig: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(inspected)) {
    const kind = (HOST_CONFIG_KEYS as Readonly<Record<string, string>>)[key];
    if (kind === undefined) {
      if (!isUnset(value)) problems.push(`HostConfig.${key} is set (${JSON.stringify(value)}), and this version of Slipway does not know how to reproduce it`);
      continue;
    }
    if (kind === "drop") continue;
    if (kind === "refuse") {
      if (!isUnset(value)) problems.push(REFUSED_BECAUSE[key] ?? `HostConfig.${key} is set`);
      continue;
    }
    hostConfig[key] = value;
  }
  for (const key of ["NetworkMode", "PidMode", "IpcMode"] as const) {
    const mode = stringOf(inspected[key]);
    if (mode.startsWith("container:")) {
      problems.push(
        `HostConfig.${key} is ${mode} (--${key === "NetworkMode" ? "network" : key === "PidMode" ? "pid" : "ipc"} container:…): it shares another container's namespace, which Slipway does not recreate together`,
      );
    }
  }
  return { hostConfig, problems };
}

/** A mount target and whether it is a named or anonymous volume that the container can write. */
export interface MountTarget {
  readonly target: string;
  readonly volume: boolean;
  readonly writable: boolean;
}

/** Where Binds, Mounts and Tmpfs put something, read from HostConfig. */
export function declaredMounts(hostConfig: Json): MountTarget[] {
  const binds = stringsOf(hostConfig.Binds).map((bind): MountTarget => {
    const [source = "", target = "", mode = ""] = bind.split(":");
    return { target, volume: !source.startsWith("/"), writable: !mode.split(",").includes("ro") };
  });
  const mounts = (Array.isArray(hostConfig.Mounts) ? hostConfig.Mounts : []).map((mount: unknown): MountTarget => {
    const value = mount as Json;
    return { target: stringOf(value.Target), volume: value.Type === "volume", writable: value.ReadOnly !== true };
  });
  const tmpfs = Object.keys((hostConfig.Tmpfs ?? {}) as Json).map((target): MountTarget => ({ target, volume: false, writable: true }));
  return [...binds, ...mounts, ...tmpfs];
}

/** Host ports fixed by number: a second container could not bind them while the old one runs. */
export function fixedHostPorts(hostConfig: Json): string[] {
  const bindings = (hostConfig.PortBindings ?? {}) as Readonly<Record<string, unknown>>;
  return Object.entries(bindings).flatMap(([port, list]) =>
    (Array.isArray(list) ? list : []).flatMap((binding: unknown) => {
      const hostPort = stringOf((binding as Json).HostPort);
      return hostPort === "" || hostPort === "0" ? [] : [`${hostPort}->${port}`];
    }),
  );
}
