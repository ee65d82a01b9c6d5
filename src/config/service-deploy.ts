import * as z from "zod";
import { bytesSchema } from "./units.js";
import { refusedKey } from "./service-refused.js";

/**
 * Compose's `deploy:` section (from Swarm), reduced to what Slipway honours: the replica
 * count, memory and CPU limits, and how many replicas update at once and in which order.
 */
export interface DeployInput {
  readonly replicas?: number;
  readonly memoryBytes?: number;
  readonly cpus?: number;
  readonly batch?: number;
  /** start-first: the new replica starts before the old stops; stop-first: the other way round. */
  readonly order?: "start-first" | "stop-first";
}

const SWARM = { why: "it configures Docker Swarm's scheduler, which Slipway does not drive this way" };

export const cpusSchema = z
  .union([z.number(), z.string().regex(/^\d+(?:\.\d+)?$/, "expected a number of CPUs such as 0.5")])
  .transform((value) => Number(value))
  .pipe(z.number().positive("expected more than 0 CPUs"));

const limitsSchema = z
  .strictObject({
    memory: bytesSchema.optional().describe("The memory limit (same as mem_limit)."),
    cpus: cpusSchema.optional().describe("The CPU limit (same as cpus)."),
    pids: refusedKey("deploy.resources.limits.pids", { why: "Slipway does not carry kernel limits to the containers it starts" }),
  })
  .describe("Limits Slipway applies: memory and cpus.");

const resourcesSchema = z
  .strictObject({
    limits: limitsSchema.optional(),
    reservations: refusedKey("deploy.resources.reservations", {
      why: "Slipway places containers itself and does not reserve resources",
      advice: "use limits, or remove it",
    }),
  })
  .describe("Resource limits.");

const updateConfigSchema = z
  .strictObject({
    parallelism: z.number().int().min(1).optional().describe("How many replicas are replaced at a time (update.batch)."),
    order: z.enum(["start-first", "stop-first"]).optional().describe("start-first: blue-green or rolling; stop-first: recreate (update.strategy)."),
    delay: refusedKey("deploy.update_config.delay", {
      why: "Slipway starts the next batch when the last one passes its health gate",
      advice: "remove it; tune health: instead",
    }),
    failure_action: refusedKey("deploy.update_config.failure_action", { why: "Slipway always rolls back a failed update", advice: "remove it" }),
    monitor: refusedKey("deploy.update_config.monitor", {
      why: "Slipway watches a new revision through its health gate",
      advice: "use health.deadline instead",
    }),
    max_failure_ratio: refusedKey("deploy.update_config.max_failure_ratio", { why: "Slipway rolls back at the first failed batch", advice: "remove it" }),
  })
  .describe("How replicas are updated: parallelism and order.");

export const deploySchema = z
  .strictObject({
    mode: z
      .literal("replicated", { error: 'Slipway runs a number of replicas (mode: replicated); "global" (one per node) is not supported' })
      .optional()
      .describe("replicated only."),
    replicas: z.number().int().nonnegative().optional().describe("The number of containers (same as replicas)."),
    resources: resourcesSchema.optional(),
    update_config: updateConfigSchema.optional(),
    restart_policy: refusedKey("deploy.restart_policy", {
      why: "it is Swarm's restart policy",
      advice: "use restart: (no, always, on-failure[:N], unless-stopped)",
    }),
    rollback_config: refusedKey("deploy.rollback_config", { why: "Slipway always rolls back a failed update to the last good revision", advice: "remove it" }),
    placement: refusedKey("deploy.placement", SWARM),
    endpoint_mode: refusedKey("deploy.endpoint_mode", SWARM),
    labels: refusedKey("deploy.labels", { why: "they label Swarm services, which Slipway does not create", advice: "use labels:" }),
  })
  .transform((value): DeployInput => {
    const input: { replicas?: number; memoryBytes?: number; cpus?: number; batch?: number; order?: "start-first" | "stop-first" } = {};
    if (value.replicas !== undefined) input.replicas = value.replicas;
    if (value.resources?.limits?.memory !== undefined) input.memoryBytes = value.resources.limits.memory;
    if (value.resources?.limits?.cpus !== undefined) input.cpus = value.resources.limits.cpus;
    if (value.update_config?.parallelism !== undefined) input.batch = value.update_config.parallelism;
    if (value.update_config?.order !== undefined) input.order = value.update_config.order;
    return input;
  })
  .describe("Compose's deploy section: Slipway honours replicas, resources.limits (memory, cpus) and update_config (parallelism, order).");
