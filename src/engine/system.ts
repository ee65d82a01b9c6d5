import type Docker from "dockerode";
import * as z from "zod";
import { SlipwayError } from "../errors/index.js";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { engineError } from "./errors.js";

export interface EngineVersion {
  readonly version: string;
  readonly apiVersion: string;
  readonly minApiVersion: string;
  readonly os: string;
  readonly arch: string;
  readonly kernelVersion: string;
}

/** Lenient: the engine's /info has many fields; these are the ones `doctor` shows. */
const infoSchema = z.object({
  Name: z.string().catch(""),
  ServerVersion: z.string().catch(""),
  Containers: z.number().catch(0),
  ContainersRunning: z.number().catch(0),
  Images: z.number().catch(0),
  Driver: z.string().catch(""),
  CgroupVersion: z.string().catch(""),
  OperatingSystem: z.string().catch(""),
  NCPU: z.number().catch(0),
  MemTotal: z.number().catch(0),
  Swarm: z
    .object({
      LocalNodeState: z.string().catch("inactive"),
      NodeID: z.string().catch(""),
      ControlAvailable: z.boolean().catch(false),
      Error: z.string().catch(""),
    })
    .catch({ LocalNodeState: "inactive", NodeID: "", ControlAvailable: false, Error: "" }),
});

export interface EngineInfo {
  readonly name: string;
  readonly serverVersion: string;
  readonly containers: number;
  readonly containersRunning: number;
  readonly images: number;
  readonly storageDriver: string;
  readonly cgroupVersion: string;
  readonly operatingSystem: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly swarm: {
    /** inactive | pending | active | error | locked */
    readonly state: string;
    readonly nodeId: string;
    /** True on a Swarm manager. */
    readonly isManager: boolean;
    readonly error: string;
  };
}

export async function engineVersion(docker: Docker, endpoint: EngineEndpoint): Promise<EngineVersion> {
  try {
    const v = await docker.version();
    return {
      version: v.Version,
      apiVersion: v.ApiVersion,
      minApiVersion: v.MinAPIVersion ?? "",
      os: v.Os,
      arch: v.Arch,
      kernelVersion: v.KernelVersion,
    };
  } catch (error) {
    throw engineError(error, endpoint, "reading the engine version");
  }
}

export async function engineInfo(docker: Docker, endpoint: EngineEndpoint): Promise<EngineInfo> {
  let raw: unknown;
  try {
    raw = await docker.info();
  } catch (error) {
    throw engineError(error, endpoint, "reading the engine info");
  }
  const parsed = infoSchema.safeParse(raw);
  if (!parsed.success) throw new SlipwayError("ENGINE_FAILED", `the engine at ${endpoint.display} answered /info with something that is not an object`);
  const info = parsed.data;
  return {
    name: info.Name,
    serverVersion: info.ServerVersion,
    containers: info.Containers,
    containersRunning: info.ContainersRunning,
    images: info.Images,
    storageDriver: info.Driver,
    cgroupVersion: info.CgroupVersion,
    operatingSystem: info.OperatingSystem,
    cpus: info.NCPU,
    memoryBytes: info.MemTotal,
    swarm: {
      state: info.Swarm.LocalNodeState,
      nodeId: info.Swarm.NodeID,
      isManager: info.Swarm.ControlAvailable,
      error: info.Swarm.Error,
    },
  };
}
