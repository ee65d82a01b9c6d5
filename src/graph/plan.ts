import { forEachLimited } from "../util/semaphore.js";
import { fingerprint, type FingerprintInputs } from "./fingerprint.js";
import type { ImageGraph } from "./image-graph.js";

/**
 * Deciding which images to rebuild, and why. The planner walks the graph parents first; an
 * image whose parent is rebuilt is rebuilt; otherwise its fingerprint is computed from its
 * inputs and the parent's digest, and it is rebuilt exactly when the registry has no image
 * with that fingerprint. Reasons compare the inputs with the last recorded build, in words.
 *
 * The planner does no I/O itself: resolving inputs, asking the registry and diffing commits
 * are ports, so the rules are tested on plain data and the adapters on the real things.
 */
export interface PlanPorts {
  /** The image's inputs, without the parent digest (the planner adds it). */
  inputsOf(image: string): Promise<Omit<FingerprintInputs, "parentDigest">>;
  /** The digest of an external base image (one manifest HEAD). */
  baseDigest(ref: string): Promise<string>;
  /** The digest of the image with this fingerprint in the registry, if one exists (one manifest HEAD). */
  findByFingerprint(image: string, fp: string): Promise<string | undefined>;
  /** The inputs of the image's last recorded build, if any. */
  previousInputs(image: string): Promise<FingerprintInputs | undefined>;
  /** Paths changed in a source between two commits, limited to a path prefix or the source's included paths. */
  changedPaths(source: string, from: string, to: string, scope: { path?: string }): Promise<readonly string[]>;
}

export type Reason =
  | { readonly kind: "first-build" }
  | { readonly kind: "definition-changed"; readonly source: string; readonly from: string; readonly to: string; readonly files: readonly string[] }
  | { readonly kind: "dockerfile-changed"; readonly from: string; readonly to: string }
  | {
      readonly kind: "source-moved";
      readonly mount: string;
      readonly source: string;
      readonly from?: string;
      readonly to: string;
      readonly files: readonly string[];
    }
  | { readonly kind: "parent-rebuilt"; readonly parent: string }
  | { readonly kind: "base-changed"; readonly ref: string; readonly from?: string; readonly to: string }
  | { readonly kind: "args-changed"; readonly names: readonly string[] }
  | { readonly kind: "labels-changed"; readonly names: readonly string[] }
  | { readonly kind: "missing-from-registry"; readonly fingerprint: string }
  | { readonly kind: "requested" };

export type PlanEntry =
  | { readonly image: string; readonly action: "up-to-date"; readonly fingerprint: string; readonly digest: string; readonly inputs: FingerprintInputs }
  | {
      readonly image: string;
      readonly action: "build";
      readonly reasons: readonly Reason[];
      /** Known now when the parent is not rebuilt; otherwise computed after the parent is built. */
      readonly fingerprint?: string;
      readonly inputs: Omit<FingerprintInputs, "parentDigest"> & { readonly parentDigest?: string };
    };

export interface Plan {
  readonly entries: readonly PlanEntry[];
  readonly toBuild: readonly string[];
}

/** How many images' inputs are resolved at once (each is a few git reads of a local mirror). */
const INPUT_CONCURRENCY = 8;
/** How many images of one graph level are decided at once (each is one registry HEAD). */
const DECIDE_CONCURRENCY = 16;

/** The images grouped by depth (roots first), each group in graph order; parents are always in an earlier group. */
export function levels(images: readonly string[], graph: ImageGraph): string[][] {
  const depth = new Map<string, number>();
  const groups: string[][] = [];
  for (const image of images) {
    const parent = graph.parentOf(image);
    const level = parent.kind === "graph" && depth.has(parent.name) ? (depth.get(parent.name) ?? 0) + 1 : 0;
    depth.set(image, level);
    (groups[level] ??= []).push(image);
  }
  return groups;
}

export async function planBuilds(graph: ImageGraph, selected: readonly string[], ports: PlanPorts, options: { force?: boolean } = {}): Promise<Plan> {
  const images = graph.withAncestors(selected);
  // Inputs do not depend on other images: resolve them side by side first (the ports remember
  // them), then decide in graph order, which needs each parent's outcome.
  await forEachLimited(images, INPUT_CONCURRENCY, (image) => ports.inputsOf(image));
  // Then level by level: an image needs only its parent's outcome, so the images of one level
  // (and their registry HEADs) are decided side by side; entries keep the graph order.
  const entries = new Map<string, PlanEntry>();
  for (const level of levels(images, graph)) {
    await forEachLimited(level, DECIDE_CONCURRENCY, async (image) => {
      entries.set(image, await planOne(image, graph, entries, ports, options.force === true && selected.includes(image)));
    });
  }
  const list = images.flatMap((image) => {
    const entry = entries.get(image);
    return entry === undefined ? [] : [entry];
  });
  return { entries: list, toBuild: list.filter((e) => e.action === "build").map((e) => e.image) };
}

async function planOne(image: string, graph: ImageGraph, planned: ReadonlyMap<string, PlanEntry>, ports: PlanPorts, force: boolean): Promise<PlanEntry> {
  const own = await ports.inputsOf(image);
  const parent = graph.parentOf(image);
  const parentEntry = parent.kind === "graph" ? planned.get(parent.name) : undefined;
  if (parent.kind === "graph" && parentEntry?.action === "build") {
    return { image, action: "build", reasons: [{ kind: "parent-rebuilt", parent: parent.name }], inputs: own };
  }
  const parentDigest = parent.kind === "external" ? await ports.baseDigest(parent.ref) : parentEntry?.action === "up-to-date" ? parentEntry.digest : undefined;
  const inputs: FingerprintInputs = { ...own, parentDigest };
  const fp = fingerprint(inputs);
  const digest = force ? undefined : await ports.findByFingerprint(image, fp);
  if (digest !== undefined) return { image, action: "up-to-date", fingerprint: fp, digest, inputs };
  const previous = await ports.previousInputs(image);
  const reasons = force ? [{ kind: "requested" } as const] : await explain(inputs, previous, parent, ports);
  return { image, action: "build", reasons: reasons.length > 0 ? reasons : [{ kind: "missing-from-registry", fingerprint: fp }], fingerprint: fp, inputs };
}

async function explain(
  now: FingerprintInputs,
  before: FingerprintInputs | undefined,
  parent: ReturnType<ImageGraph["parentOf"]>,
  ports: PlanPorts,
): Promise<Reason[]> {
  if (!before) return [{ kind: "first-build" }];
  const reasons: Reason[] = [];
  const def = now.definition;
  if (def.commit !== before.definition.commit) {
    const files = await ports.changedPaths(def.source, before.definition.commit, def.commit, { path: def.path });
    reasons.push({ kind: "definition-changed", source: def.source, from: before.definition.commit, to: def.commit, files });
  }
  if (def.dockerfile !== before.definition.dockerfile) reasons.push({ kind: "dockerfile-changed", from: before.definition.dockerfile, to: def.dockerfile });
  for (const [mount, seal] of Object.entries(now.sealed)) {
    const was = before.sealed[mount];
    if (was?.commit === seal.commit && was.source === seal.source) continue;
    const files = was && was.source === seal.source ? await ports.changedPaths(seal.source, was.commit, seal.commit, {}) : [];
    reasons.push({ kind: "source-moved", mount, source: seal.source, from: was?.commit, to: seal.commit, files });
  }
  if (now.parentDigest !== before.parentDigest && parent.kind === "external") {
    reasons.push({ kind: "base-changed", ref: parent.ref, from: before.parentDigest, to: now.parentDigest ?? "" });
  }
  if (now.parentDigest !== before.parentDigest && parent.kind === "graph") reasons.push({ kind: "parent-rebuilt", parent: parent.name });
  const args = changedKeys(now.buildArgs, before.buildArgs);
  if (args.length > 0) reasons.push({ kind: "args-changed", names: args });
  const labels = changedKeys(now.labels, before.labels);
  if (labels.length > 0) reasons.push({ kind: "labels-changed", names: labels });
  return reasons;
}

function changedKeys(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).sort();
}

/** A reason in the words a person reads in `slipway plan`. */
export function describeReason(reason: Reason): string {
  const short = (sha: string | undefined): string => (sha ? sha.slice(0, 7) : "nothing");
  const files = (list: readonly string[]): string =>
    list.length === 0 ? "" : `: ${list.slice(0, 5).join(", ")}${list.length > 5 ? ` and ${list.length - 5} more` : ""}`;
  switch (reason.kind) {
    case "first-build":
      return "never built (no image with this fingerprint, no earlier build recorded)";
    case "definition-changed":
      return `definition changed in ${reason.source} ${short(reason.from)} -> ${short(reason.to)}${files(reason.files)}`;
    case "dockerfile-changed":
      return `Dockerfile variant changed: ${reason.from} -> ${reason.to}`;
    case "source-moved":
      return `source ${reason.source} moved ${short(reason.from)} -> ${short(reason.to)}${files(reason.files)}`;
    case "parent-rebuilt":
      return `parent ${reason.parent} is rebuilt`;
    case "base-changed":
      return `base image ${reason.ref} changed ${reason.from ? reason.from.slice(7, 19) : "nothing"} -> ${reason.to.slice(7, 19)}`;
    case "args-changed":
      return `build args changed: ${reason.names.join(", ")}`;
    case "labels-changed":
      return `labels changed: ${reason.names.join(", ")}`;
    case "missing-from-registry":
      return `no image with fingerprint ${reason.fingerprint.slice(0, 12)} in the registry`;
    case "requested":
      return "rebuild requested (--force)";
  }
}
