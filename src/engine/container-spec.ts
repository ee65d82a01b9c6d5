/**
 * Everything Slipway sets on a container it starts, as plain data, and the pure mapping
 * to the Engine API's create body (POST /containers/create, API 1.41).
 */
export interface PortSpec {
  readonly containerPort: number;
  readonly protocol?: "tcp" | "udp";
  /** Publish on this host port (0: a free port the engine picks). Omitted: only exposed. */
  readonly hostPort?: number;
  /** The host address to publish on, e.g. 127.0.0.1; all addresses when omitted. */
  readonly hostIp?: string;
}

export type MountSpec =
  | { readonly type: "bind"; readonly source: string; readonly target: string; readonly readOnly?: boolean }
  | { readonly type: "volume"; readonly source: string; readonly target: string; readonly readOnly?: boolean }
  | { readonly type: "tmpfs"; readonly target: string; readonly sizeBytes?: number };

export type RestartPolicy = { readonly name: "no" | "always" | "unless-stopped" } | { readonly name: "on-failure"; readonly maximumRetryCount?: number };

export interface HealthcheckSpec {
  /** ["CMD", "wget", "-q", "-O-", "http://localhost:8080/"] or ["CMD-SHELL", "..."]; ["NONE"] disables the image's. */
  readonly test: readonly string[];
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly startPeriodSeconds?: number;
  readonly retries?: number;
}

export interface NetworkAttachment {
  readonly name: string;
  readonly aliases?: readonly string[];
}

export interface ContainerSpec {
  readonly name?: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ports?: readonly PortSpec[];
  readonly mounts?: readonly MountSpec[];
  readonly restart?: RestartPolicy;
  readonly memoryBytes?: number;
  /** CPU limit in billionths of a CPU (1.5 CPUs = 1_500_000_000). */
  readonly nanoCpus?: number;
  readonly user?: string;
  readonly workingDir?: string;
  readonly hostname?: string;
  /** The first network is joined at create time; the others just after (API 1.41 takes one). */
  readonly networks?: readonly NetworkAttachment[];
  readonly healthcheck?: HealthcheckSpec;
  readonly stopSignal?: string;
  readonly stopTimeoutSeconds?: number;
  readonly init?: boolean;
  readonly tty?: boolean;
  readonly autoRemove?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
}

export interface CreateContainerBody {
  name?: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  Labels: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  User?: string;
  WorkingDir?: string;
  Hostname?: string;
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
  StopSignal?: string;
  StopTimeout?: number;
  Tty: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  HostConfig: {
    PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }>>;
    Mounts?: Array<
      | { Type: "bind" | "volume"; Source: string; Target: string; ReadOnly: boolean }
      | { Type: "tmpfs"; Source: string; Target: string; TmpfsOptions?: { SizeBytes: number; Mode: number } }
    >;
    RestartPolicy?: { Name: string; MaximumRetryCount?: number };
    Memory?: number;
    NanoCpus?: number;
    NetworkMode?: string;
    Init?: boolean;
    AutoRemove: boolean;
    ReadonlyRootfs?: boolean;
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases?: string[] }> };
}

const NANOS_PER_SECOND = 1_000_000_000;

export function toCreateOptions(spec: ContainerSpec): CreateContainerBody {
  const body: CreateContainerBody = {
    Image: spec.image,
    Labels: { ...spec.labels },
    Tty: spec.tty ?? false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: { AutoRemove: spec.autoRemove ?? false },
  };
  if (spec.name !== undefined) body.name = spec.name;
  if (spec.command !== undefined) body.Cmd = [...spec.command];
  if (spec.entrypoint !== undefined) body.Entrypoint = [...spec.entrypoint];
  if (spec.env !== undefined) body.Env = Object.entries(spec.env).map(([key, value]) => `${key}=${value}`);
  if (spec.user !== undefined) body.User = spec.user;
  if (spec.workingDir !== undefined) body.WorkingDir = spec.workingDir;
  if (spec.hostname !== undefined) body.Hostname = spec.hostname;
  if (spec.healthcheck !== undefined) body.Healthcheck = healthcheck(spec.healthcheck);
  if (spec.stopSignal !== undefined) body.StopSignal = spec.stopSignal;
  if (spec.stopTimeoutSeconds !== undefined) body.StopTimeout = spec.stopTimeoutSeconds;
  if (spec.ports !== undefined && spec.ports.length > 0) {
    const { exposed, bindings } = portConfig(spec.ports);
    body.ExposedPorts = exposed;
    if (Object.keys(bindings).length > 0) body.HostConfig.PortBindings = bindings;
  }
  if (spec.mounts !== undefined && spec.mounts.length > 0) body.HostConfig.Mounts = spec.mounts.map(mount);
  if (spec.restart !== undefined) body.HostConfig.RestartPolicy = restartPolicy(spec.restart);
  if (spec.memoryBytes !== undefined) body.HostConfig.Memory = spec.memoryBytes;
  if (spec.nanoCpus !== undefined) body.HostConfig.NanoCpus = spec.nanoCpus;
  if (spec.init !== undefined) body.HostConfig.Init = spec.init;
  if (spec.readOnlyRootFilesystem !== undefined) body.HostConfig.ReadonlyRootfs = spec.readOnlyRootFilesystem;
  const [first] = spec.networks ?? [];
  if (first !== undefined) {
    body.HostConfig.NetworkMode = first.name;
    body.NetworkingConfig = { EndpointsConfig: { [first.name]: endpoint(first) } };
  }
  return body;
}

/** Networks to connect after create: every one but the first. */
export function laterNetworks(spec: ContainerSpec): readonly NetworkAttachment[] {
  return (spec.networks ?? []).slice(1);
}

export function endpoint(network: NetworkAttachment): { Aliases?: string[] } {
  return network.aliases === undefined || network.aliases.length === 0 ? {} : { Aliases: [...network.aliases] };
}

export function portKey(port: PortSpec): string {
  return `${port.containerPort}/${port.protocol ?? "tcp"}`;
}

type PortBindings = NonNullable<CreateContainerBody["HostConfig"]["PortBindings"]>;

function portConfig(specs: readonly PortSpec[]): { exposed: Record<string, Record<string, never>>; bindings: PortBindings } {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: PortBindings = {};
  for (const port of specs) {
    const key = portKey(port);
    exposed[key] = {};
    if (port.hostPort === undefined) continue;
    const binding = { HostIp: port.hostIp ?? "", HostPort: port.hostPort === 0 ? "" : String(port.hostPort) };
    bindings[key] = [...(bindings[key] ?? []), binding];
  }
  return { exposed, bindings };
}

function mount(spec: MountSpec): NonNullable<CreateContainerBody["HostConfig"]["Mounts"]>[number] {
  if (spec.type === "tmpfs") {
    return {
      Type: "tmpfs",
      Source: "",
      Target: spec.target,
      ...(spec.sizeBytes === undefined ? {} : { TmpfsOptions: { SizeBytes: spec.sizeBytes, Mode: 0o1777 } }),
    };
  }
  return { Type: spec.type, Source: spec.source, Target: spec.target, ReadOnly: spec.readOnly ?? false };
}

function restartPolicy(policy: RestartPolicy): { Name: string; MaximumRetryCount?: number } {
  if (policy.name !== "on-failure") return { Name: policy.name };
  return { Name: "on-failure", MaximumRetryCount: policy.maximumRetryCount ?? 0 };
}

function healthcheck(spec: HealthcheckSpec): NonNullable<CreateContainerBody["Healthcheck"]> {
  const nanos = (seconds: number | undefined): number | undefined => (seconds === undefined ? undefined : Math.round(seconds * NANOS_PER_SECOND));
  const check: NonNullable<CreateContainerBody["Healthcheck"]> = { Test: [...spec.test] };
  const interval = nanos(spec.intervalSeconds);
  const timeout = nanos(spec.timeoutSeconds);
  const startPeriod = nanos(spec.startPeriodSeconds);
  if (interval !== undefined) check.Interval = interval;
  if (timeout !== undefined) check.Timeout = timeout;
  if (startPeriod !== undefined) check.StartPeriod = startPeriod;
  if (spec.retries !== undefined) check.Retries = spec.retries;
  return check;
}
