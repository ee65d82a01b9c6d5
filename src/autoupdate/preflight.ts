import { copyHostConfig, declaredMounts, fixedHostPorts } from "./host-config.js";
import { containerNameOf, stringOf, stringsOf, type ContainerInspect, type ImageConfig, type Json } from "./inspect-json.js";
import { planNetworks, type NetworkJoin } from "./networks.js";
import { userConfig } from "./user-config.js";

/** Start the new container before the old one stops, or stop the old one first. */
export type RecreateOrder = "start-first" | "stop-first";

/** Everything a recreate does, as plain data: the executor only carries it out. */
export interface RecreatePlan {
  readonly name: string;
  /** The new container's name until the old one is removed. */
  readonly temporaryName: string;
  readonly order: RecreateOrder;
  /** Why stop-first, for people: "host port 8080->80/tcp", "static address net1 10.5.0.7". */
  readonly stopFirstBecause: readonly string[];
  /** The create body: Config (only what the user set) + the new image + HostConfig + the first network. */
  readonly body: Record<string, unknown>;
  readonly connect: readonly NetworkJoin[];
  /** Anonymous volumes, kept by mounting them by name into the new container. */
  readonly anonymousVolumes: readonly { readonly name: string; readonly target: string }[];
  /** Values the old image provided, left to the new image: "Env HTTP_BODY", "Cmd". */
  readonly fromImage: readonly string[];
}

export type Preflight = { readonly ok: true; readonly plan: RecreatePlan } | { readonly ok: false; readonly problems: readonly string[] };

export interface PreflightInput {
  readonly container: ContainerInspect;
  /** The old image's Config (GET /images/ID/json .Config). */
  readonly oldImage: ImageConfig;
  /** The reference the new container is created from (its Config.Image). */
  readonly image: string;
  /** Every other container on the engine: its name and HostConfig (for name clashes and shared namespaces). */
  readonly others: readonly { readonly name: string; readonly hostConfig: Json }[];
}

export const TEMPORARY_SUFFIX = "-slipway-new";

/**
 * Decides, before anything is stopped, whether the container can be recreated exactly from
 * its inspected configuration, and how. Refuses with every reason, each naming its field.
 */
export function planRecreate(input: PreflightInput): Preflight {
  const { container } = input;
  const name = containerNameOf(container);
  const temporaryName = `${name}${TEMPORARY_SUFFIX}`;
  const copied = copyHostConfig(container.HostConfig);
  const hostConfig = copied.hostConfig;
  const problems = [...copied.problems];
  const mode = stringOf(container.HostConfig.NetworkMode);
  const user = userConfig(container, input.oldImage, { hostNetwork: mode === "host" });
  problems.push(...user.unknown.map((key) => `Config.${key} is set, and this version of Slipway does not know how to reproduce it`));
  problems.push(...dependents(container, name, input.others));
  if (input.others.some((other) => other.name === temporaryName)) {
    problems.push(`a container named ${temporaryName} already exists (the name the new container takes until the old one is removed); remove or rename it`);
  }
  const anonymous = anonymousVolumes(container, hostConfig, problems);
  if (problems.length > 0) return { ok: false, problems };

  const networks = planNetworks(container);
  const mounts = declaredMounts(hostConfig);
  const stopFirstBecause = [
    ...fixedHostPorts(container.HostConfig).map((port) => `host port ${port}`),
    ...networks.staticAddresses.map((address) => `static address ${address}`),
    ...(stringOf(container.Config.MacAddress) === "" ? [] : [`fixed MAC address ${stringOf(container.Config.MacAddress)}`]),
    ...(mode === "host" ? ["host network"] : []),
    ...mounts.filter((m) => m.volume && m.writable).map((m) => `writable volume at ${m.target}`),
  ];
  const body: Record<string, unknown> = {
    ...user.config,
    Image: input.image,
    HostConfig: hostConfig,
    ...(networks.first === undefined ? {} : { NetworkingConfig: { EndpointsConfig: { [networks.first.network]: networks.first.endpoint } } }),
  };
  return {
    ok: true,
    plan: {
      name,
      temporaryName,
      order: stopFirstBecause.length === 0 ? "start-first" : "stop-first",
      stopFirstBecause,
      body,
      connect: networks.later,
      anonymousVolumes: anonymous,
      fromImage: user.fromImage,
    },
  };
}

/** Containers that use this one's namespaces or volumes would lose them when it is removed. */
function dependents(container: ContainerInspect, name: string, others: PreflightInput["others"]): string[] {
  const refs = new Set([`container:${container.Id}`, `container:${name}`, `container:${container.Id.slice(0, 12)}`]);
  return others.flatMap((other) => {
    const shared = (["NetworkMode", "PidMode", "IpcMode"] as const).filter((key) => refs.has(stringOf(other.hostConfig[key])));
    const volumesFrom = stringsOf(other.hostConfig.VolumesFrom).some((from) => [container.Id, name].includes(from.split(":")[0] ?? ""));
    const what = [...shared.map((key) => `HostConfig.${key}`), ...(volumesFrom ? ["HostConfig.VolumesFrom"] : [])];
    return what.length === 0 ? [] : [`container ${other.name} uses this container through ${what.join(", ")}; it would lose it when this one is replaced`];
  });
}

/**
 * Volumes the engine created without a name (an image's VOLUME, `-v /path`, `--mount
 * type=volume` without a source) would be created empty again: they are kept by mounting
 * the same volume, by its name, at the same place. Mounts with no source are given theirs.
 */
function anonymousVolumes(container: ContainerInspect, hostConfig: Record<string, unknown>, problems: string[]): { name: string; target: string }[] {
  const byTarget = new Map<string, Json>();
  for (const mount of container.Mounts ?? []) byTarget.set(stringOf(mount.Destination), mount);
  const mounts = Array.isArray(hostConfig.Mounts) ? (hostConfig.Mounts as Json[]) : [];
  const named = mounts.map((mount) => {
    if (mount.Type !== "volume" || stringOf(mount.Source) !== "") return mount;
    const actual = byTarget.get(stringOf(mount.Target));
    if (actual === undefined || stringOf(actual.Name) === "") {
      problems.push(`HostConfig.Mounts: the volume at ${stringOf(mount.Target)} has no name the engine reports, so its data could not be kept`);
      return mount;
    }
    return { ...mount, Source: stringOf(actual.Name) };
  });
  const declared = new Set(declaredMounts(hostConfig).map((m) => m.target));
  const anonymous = (container.Mounts ?? [])
    .filter((mount) => mount.Type === "volume" && !declared.has(stringOf(mount.Destination)))
    .map((mount) => ({ name: stringOf(mount.Name), target: stringOf(mount.Destination), readOnly: mount.RW === false, driver: stringOf(mount.Driver) }));
  for (const volume of anonymous) {
    if (volume.name === "") problems.push(`the volume at ${volume.target} has no name the engine reports, so its data could not be kept`);
  }
  const added = anonymous.map((volume) => ({ Type: "volume", Source: volume.name, Target: volume.target, ReadOnly: volume.readOnly }));
  if (named.length > 0 || added.length > 0) hostConfig.Mounts = [...named, ...added];
  return anonymous.filter((volume) => !volume.readOnly).map(({ name, target }) => ({ name, target }));
}
