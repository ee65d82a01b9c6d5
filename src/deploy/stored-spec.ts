import * as z from "zod";
import { SlipwayError } from "../errors/index.js";
import { parseReference } from "../reference/index.js";
import type { RevisionRecord } from "../store/index.js";
import { checkDeployable } from "./deployable.js";
import type { ServiceSpec } from "./service-spec.js";

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();
const strings = z.record(z.string(), z.string());

/**
 * What a stored revision's spec must be before anything deploys it again. Loose where a newer
 * Slipway may have added a setting (it is kept as written); exact where a deployment reads it.
 */
const storedSpecSchema = z.looseObject({
  service: z.string().min(1),
  environment: z.string().min(1),
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  entrypoint: z.array(z.string()).optional(),
  env: strings,
  labels: strings,
  ports: z.array(z.looseObject({ target: count, published: count.optional(), protocol: z.enum(["tcp", "udp"]), hostIp: z.string().optional() })),
  volumes: z.array(z.looseObject({ type: z.enum(["volume", "bind", "tmpfs"]), target: z.string().min(1), source: z.string().optional() })),
  networks: z.array(z.looseObject({ name: z.string().min(1), aliases: z.array(z.string()) })),
  replicas: count,
  health: z.looseObject({
    probe: z.looseObject({ kind: z.enum(["http", "tcp", "docker", "command", "running"]) }),
    startPeriodMs: ms,
    intervalMs: ms,
    timeoutMs: ms,
    retries: count,
    deadlineMs: ms,
  }),
  update: z.looseObject({
    strategy: z.enum(["recreate", "blue-green", "rolling"]),
    batch: z.number().int().positive(),
    drainMs: ms,
    keep: count,
    allowSharedVolumes: z.boolean(),
  }),
});

/**
 * The spec of a stored revision, checked before a rollback, a resume or the reconcile loop
 * deploys it: its shape, its image reference and the strategy's rules. A record that fails is
 * REVISION_INVALID and nothing is deployed from it.
 */
export function revisionSpec(revision: RevisionRecord): ServiceSpec {
  const parsed = storedSpecSchema.safeParse(revision.spec);
  const where = `revision ${revision.revision} of ${revision.service} (${revision.environment})`;
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "spec"}: ${issue.message}`);
    throw invalid(`${where} has a stored spec Slipway cannot deploy: ${problems[0]}`, problems.slice(1));
  }
  const spec = parsed.data as unknown as ServiceSpec;
  if (spec.service !== revision.service || spec.environment !== revision.environment) {
    throw invalid(`${where} holds the spec of ${spec.service} (${spec.environment})`, []);
  }
  try {
    parseReference(spec.image);
    checkDeployable(spec);
  } catch (error) {
    throw invalid(`${where} cannot be deployed again: ${error instanceof Error ? error.message : String(error)}`, []);
  }
  return spec;
}

function invalid(message: string, details: readonly string[]): SlipwayError {
  return new SlipwayError("REVISION_INVALID", message, {
    details: [...details],
    hint: "deploy a new revision from slipway.yml (`slipway deploy SERVICE`), or roll back to another revision (`slipway history SERVICE` lists them)",
  });
}
