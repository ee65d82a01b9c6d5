import type Docker from "dockerode";
import * as z from "zod";
import type { EngineEndpoint } from "../reference/docker-host.js";
import { engineError, isNotFound } from "./errors.js";
import { labelFilters } from "./images.js";

type Labels = Readonly<Record<string, string>>;

/** A Swarm service as a manager reports it: its version (an update must name it), labels, and where its last update stands. */
export interface SwarmService {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly labels: Labels;
  /** UpdateStatus.State: updating, paused, completed, rollback_started, …; absent before the first update. */
  readonly updateState?: string;
  readonly updateMessage?: string;
  /** UpdateStatus.StartedAt: which update the state is of (a new update replaces it). */
  readonly updateStartedAt?: string;
  /** The spec as the manager holds it (what Swarm would roll back to is PreviousSpec; Slipway keeps its own). */
  readonly spec: Readonly<Record<string, unknown>>;
}

export interface SwarmTask {
  readonly id: string;
  readonly serviceId: string;
  /** The node's ID (SwarmNode.id). */
  readonly node: string;
  readonly state: string;
  readonly desired: string;
  readonly error?: string;
  /** The labels of its container spec: Slipway's revision among them. */
  readonly labels: Labels;
  readonly containerId?: string;
  readonly createdAt: string;
}

export interface SwarmNode {
  readonly id: string;
  readonly hostname: string;
  readonly role: string;
  /** ready, down, unknown, disconnected */
  readonly state: string;
  readonly availability: string;
  readonly address: string;
}

/** The Swarm part of the Engine API, on a manager. */
export interface SwarmApi {
  createService(spec: Readonly<Record<string, unknown>>): Promise<string>;
  /** Applies `spec` as a new update of the service at `version` (the manager refuses an outdated version). */
  updateService(id: string, version: number, spec: Readonly<Record<string, unknown>>): Promise<void>;
  /** By name or ID; undefined when there is none. */
  inspectService(name: string): Promise<SwarmService | undefined>;
  removeService(name: string): Promise<boolean>;
  listTasks(filters: { readonly service?: string; readonly labels?: Labels }): Promise<SwarmTask[]>;
  listNodes(): Promise<SwarmNode[]>;
  /** A new secret (its value never read back); its ID. */
  createSecret(name: string, value: string, labels: Labels): Promise<string>;
  listSecrets(labels: Labels): Promise<{ id: string; name: string }[]>;
  removeSecret(id: string): Promise<boolean>;
}

// Lenient: the manager's JSON has many fields; these are the ones Slipway reads.
const serviceSchema = z.object({
  ID: z.string(),
  Version: z.object({ Index: z.number() }),
  Spec: z.record(z.string(), z.unknown()).catch({}),
  UpdateStatus: z.object({ State: z.string().optional(), Message: z.string().optional(), StartedAt: z.string().optional() }).optional().catch(undefined),
});

const taskSchema = z.object({
  ID: z.string(),
  ServiceID: z.string().catch(""),
  NodeID: z.string().catch(""),
  DesiredState: z.string().catch(""),
  CreatedAt: z.string().catch(""),
  Status: z
    .object({
      State: z.string().catch("unknown"),
      Err: z.string().optional().catch(undefined),
      ContainerStatus: z
        .object({ ContainerID: z.string().optional().catch(undefined) })
        .optional()
        .catch(undefined),
    })
    .catch({ State: "unknown" }),
  Spec: z
    .object({ ContainerSpec: z.object({ Labels: z.record(z.string(), z.string()).catch({}) }).catch({ Labels: {} }) })
    .catch({ ContainerSpec: { Labels: {} } }),
});

const nodeSchema = z.object({
  ID: z.string(),
  Description: z.object({ Hostname: z.string().catch("") }).catch({ Hostname: "" }),
  Spec: z.object({ Role: z.string().catch(""), Availability: z.string().catch("") }).catch({ Role: "", Availability: "" }),
  Status: z.object({ State: z.string().catch("unknown"), Addr: z.string().catch("") }).catch({ State: "unknown", Addr: "" }),
});

function toService(raw: unknown): SwarmService {
  const s = serviceSchema.parse(raw);
  const spec = s.Spec;
  const name = typeof spec["Name"] === "string" ? spec["Name"] : s.ID;
  const labels = (typeof spec["Labels"] === "object" && spec["Labels"] !== null ? spec["Labels"] : {}) as Labels;
  return {
    id: s.ID,
    name,
    version: s.Version.Index,
    labels,
    spec,
    ...(s.UpdateStatus?.State === undefined ? {} : { updateState: s.UpdateStatus.State }),
    ...(s.UpdateStatus?.Message === undefined ? {} : { updateMessage: s.UpdateStatus.Message }),
    ...(s.UpdateStatus?.StartedAt === undefined ? {} : { updateStartedAt: s.UpdateStatus.StartedAt }),
  };
}

function toTask(raw: unknown): SwarmTask {
  const t = taskSchema.parse(raw);
  const containerId = t.Status.ContainerStatus?.ContainerID;
  return {
    id: t.ID,
    serviceId: t.ServiceID,
    node: t.NodeID,
    state: t.Status.State,
    desired: t.DesiredState,
    ...(t.Status.Err === undefined || t.Status.Err === "" ? {} : { error: t.Status.Err }),
    labels: t.Spec.ContainerSpec.Labels,
    ...(containerId === undefined || containerId === "" ? {} : { containerId }),
    createdAt: t.CreatedAt,
  };
}

function toNode(raw: unknown): SwarmNode {
  const n = nodeSchema.parse(raw);
  return { id: n.ID, hostname: n.Description.Hostname, role: n.Spec.Role, state: n.Status.State, availability: n.Spec.Availability, address: n.Status.Addr };
}

export function createSwarmApi(docker: Docker, endpoint: EngineEndpoint): SwarmApi {
  const guard = async <T>(action: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw engineError(error, endpoint, action);
    }
  };
  return {
    createService: (spec) =>
      guard(`creating Swarm service ${String(spec["Name"])}`, async () => {
        const created = (await docker.createService(spec as unknown as Docker.CreateServiceOptions)) as unknown as { id?: string; ID?: string };
        return created.id ?? created.ID ?? "";
      }),
    updateService: (id, version, spec) =>
      guard(`updating Swarm service ${id}`, async () => {
        await docker.getService(id).update({ ...spec, version } as unknown as Docker.ServiceSpec & { version: number });
      }),
    inspectService: async (name) => {
      try {
        return toService(await docker.getService(name).inspect());
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw engineError(error, endpoint, `inspecting Swarm service ${name}`);
      }
    },
    removeService: async (name) => {
      try {
        await docker.getService(name).remove();
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw engineError(error, endpoint, `removing Swarm service ${name}`);
      }
    },
    listTasks: (filters) =>
      guard("listing Swarm tasks", async () => {
        const query: Record<string, string[]> = {};
        if (filters.service !== undefined) query["service"] = [filters.service];
        if (filters.labels !== undefined) query["label"] = labelFilters(filters.labels);
        return ((await docker.listTasks({ filters: JSON.stringify(query) })) as unknown[]).map(toTask);
      }),
    listNodes: () => guard("listing Swarm nodes", async () => ((await docker.listNodes()) as unknown[]).map(toNode)),
    createSecret: (name, value, labels) =>
      guard(`creating Swarm secret ${name}`, async () => {
        const created = (await docker.createSecret({ Name: name, Labels: labels, Data: Buffer.from(value, "utf8").toString("base64") })) as {
          id?: string;
          ID?: string;
        };
        return created.id ?? created.ID ?? "";
      }),
    listSecrets: (labels) =>
      guard("listing Swarm secrets", async () =>
        ((await docker.listSecrets({ filters: JSON.stringify({ label: labelFilters(labels) }) })) as { ID: string; Spec?: { Name?: string } }[]).map((s) => ({
          id: s.ID,
          name: s.Spec?.Name ?? s.ID,
        })),
      ),
    removeSecret: async (id) => {
      try {
        await docker.getSecret(id).remove();
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw engineError(error, endpoint, `removing Swarm secret ${id}`);
      }
    },
  };
}
