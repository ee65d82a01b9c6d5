import * as z from "zod";
import { durationSchema } from "./units.js";
import { trackProblem, type TagTrack } from "./update-track.js";
import { windowsSchema, type WindowConfig } from "./window-schema.js";

/**
 * How a new revision of a service replaces the old one:
 * - recreate: stop the old containers, then start the new (a short outage; safe for volumes);
 * - blue-green: start the new revision beside the old, switch the proxy once it is healthy,
 *   drain and stop the old (no outage; both run for a moment);
 * - rolling: replace `batch` replicas at a time, each batch health-gated, behind the proxy.
 */
export type Strategy = "recreate" | "blue-green" | "rolling";

export const STRATEGIES = ["recreate", "blue-green", "rolling"] as const satisfies readonly Strategy[];

export interface UpdatePolicy {
  readonly strategy: Strategy;
  /** rolling: how many replicas are replaced at a time. */
  readonly batch: number;
  /** Time the old revision keeps serving requests it already has after the switch (ms). */
  readonly drain: number;
  /** Old revisions kept (images and records) for rollback. */
  readonly keep: number;
  /** Let blue-green and rolling run two revisions on one named volume at once. */
  readonly allowSharedVolumes: boolean;
  /** On several hosts: how many hosts are updated at a time. Not part of the deploy spec. */
  readonly hostsParallel: number;
  /**
   * Auto-update of an external image: true redeploys when its tag's digest changes, "monitor"
   * only reports it. Absent (the default, `auto: false`): neither. Not part of the deploy spec.
   */
  readonly auto?: AutoUpdate;
  /** With auto: the tags followed instead of the image's own (see TagTrack). Not part of the deploy spec. */
  readonly track?: TagTrack;
  /** With auto: a new version is taken only once Slipway has seen it this long (ms). Not part of the deploy spec. */
  readonly minAge?: number;
  /** With auto: when its updates may run, beside the environment's windows. Not part of the deploy spec. */
  readonly windows?: readonly WindowConfig[];
}

/** What `update.auto` asks for, when not false. */
export type AutoUpdate = true | "monitor" | "approve";

export const UPDATE_DEFAULTS = { batch: 1, drain: 10_000, keep: 5, allowSharedVolumes: false, hostsParallel: 1 } as const;

/** The update section as written: the strategy may still be left to defaultStrategy. */
export interface UpdateInput {
  readonly strategy?: Strategy;
  readonly batch?: number;
  readonly drain: number;
  readonly keep: number;
  readonly allowSharedVolumes: boolean;
  readonly hostsParallel: number;
  readonly auto?: AutoUpdate;
  readonly track?: TagTrack;
  readonly minAge?: number;
  readonly windows?: readonly WindowConfig[];
}

const trackSchema = z
  .union(
    [z.string().min(1), z.strictObject({ semver: z.string().min(1), prereleases: z.boolean().default(false) }), z.strictObject({ match: z.string().min(1) })],
    { error: 'expected a semver range ("^1.2"), { semver: RANGE, prereleases: BOOL } or { match: REGEX }' },
  )
  .transform((value, ctx): TagTrack => {
    const track: TagTrack =
      typeof value === "string"
        ? { kind: "semver", range: value, prereleases: false }
        : "semver" in value
          ? { kind: "semver", range: value.semver, prereleases: value.prereleases }
          : { kind: "match", pattern: value.match };
    const problem = trackProblem(track);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    return track;
  });

export const updateSchema = z
  .strictObject({
    strategy: z
      .enum(STRATEGIES)
      .optional()
      .describe(
        "recreate (stop old, start new), blue-green (start new beside old, switch when healthy) or rolling (batch by batch). " +
          "Default: recreate with a named volume, rolling with more than one replica, else blue-green.",
      ),
    batch: z.number().int().min(1).optional().describe("rolling: how many replicas are replaced at a time (default 1)."),
    drain: durationSchema.optional().describe("Time the old revision finishes its requests after the switch, before it is stopped (default 10s)."),
    keep: z.number().int().min(1).default(UPDATE_DEFAULTS.keep).describe("Old revisions kept for rollback (default 5)."),
    allow_shared_volumes: z
      .boolean()
      .default(UPDATE_DEFAULTS.allowSharedVolumes)
      .describe("true: let blue-green and rolling run the old and new revision on one named volume at once (two writers)."),
    hosts_parallel: z
      .number()
      .int()
      .min(1, "at least 1 host at a time")
      .default(UPDATE_DEFAULTS.hostsParallel)
      .describe(
        "On several hosts (the environment's hosts:): how many hosts a deploy updates at a time, in their order (default 1: one host at a time, so at most one replica of the fleet is offline).",
      ),
    auto: z
      .union([z.boolean(), z.literal("monitor"), z.literal("approve")])
      .optional()
      .describe(
        "For an external image (e.g. myorg/foo:qa): true redeploys the service with its own strategy when the tag's digest changes in the registry, " +
          '"monitor" only reports that an update is available, "approve" waits for approval (slipway approve ID) before deploying it, false (default) does neither.',
      ),
    track: trackSchema
      .optional()
      .describe(
        'With auto: follow the newest of the image\'s tags instead of its own tag: a semver range ("^1.2", "~1.2.3", "1.x"; ' +
          "{ semver: RANGE, prereleases: true } to take 1.4.0-rc.1 too) or { match: REGEX } whose first capture group orders the tags " +
          "(as numbers when all digits, e.g. ^build-(\\d+)$). The chosen tag is deployed by digest.",
      ),
    min_age: durationSchema
      .optional()
      .describe(
        "With auto: take a new version (a new digest of the tag, or a new tag with track) only once Slipway has seen it this long, e.g. 2h; " +
          "a version first seen now waits the whole time, and while newer ones keep arriving the newest that has waited is taken.",
      ),
    windows: windowsSchema
      .optional()
      .describe(
        "With auto: when this service's auto-updates may run, beside its environment's windows: [{ allow: CRON, duration: 2h, timezone: Europe/Berlin }] " +
          "or { deny: CRON, duration }. An update found outside them waits, queued, and runs when they open.",
      ),
  })
  .superRefine((value, ctx) => {
    const auto = value.auto !== undefined && value.auto !== false;
    if (value.track !== undefined && !auto)
      ctx.addIssue({ code: "custom", path: ["track"], message: "track chooses the tag auto-update follows: set auto: true (or monitor) with it" });
    if (value.min_age !== undefined && !auto)
      ctx.addIssue({ code: "custom", path: ["min_age"], message: "min_age delays what auto-update takes: set auto: true (or monitor) with it" });
    if (value.windows !== undefined && !auto)
      ctx.addIssue({
        code: "custom",
        path: ["windows"],
        message: "update.windows say when auto-updates run: set auto: true (or approve) with it, or put windows on the environment",
      });
  })
  .transform((value): UpdateInput => {
    const input: {
      strategy?: Strategy;
      batch?: number;
      drain: number;
      keep: number;
      allowSharedVolumes: boolean;
      hostsParallel: number;
      auto?: AutoUpdate;
      track?: TagTrack;
      minAge?: number;
      windows?: readonly WindowConfig[];
    } = {
      drain: value.drain ?? UPDATE_DEFAULTS.drain,
      keep: value.keep,
      allowSharedVolumes: value.allow_shared_volumes,
      hostsParallel: value.hosts_parallel,
    };
    if (value.strategy !== undefined) input.strategy = value.strategy;
    if (value.batch !== undefined) input.batch = value.batch;
    if (value.auto !== undefined && value.auto !== false) input.auto = value.auto;
    if (value.track !== undefined) input.track = value.track;
    if (value.min_age !== undefined) input.minAge = value.min_age;
    if (value.windows !== undefined) input.windows = value.windows;
    return input;
  })
  .describe("How a new revision replaces the old one.");

/** What defaultStrategy looks at. */
export interface StrategyInputs {
  readonly volumes: readonly { readonly type: string }[];
  readonly replicas: number;
}

/**
 * The strategy of a service that names none: recreate when it mounts a named volume (two
 * revisions must not write one volume at once), rolling with more than one replica, else
 * blue-green.
 */
export function defaultStrategy(service: StrategyInputs): Strategy {
  if (service.volumes.some((volume) => volume.type === "volume")) return "recreate";
  if (service.replicas > 1) return "rolling";
  return "blue-green";
}
