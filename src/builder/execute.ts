import type { ProgressEvent } from "../engine/index.js";
import type { ImageGraph } from "../graph/image-graph.js";
import type { Plan, PlanEntry } from "../graph/plan.js";
import { buildOne, type BuildDeps, type BuiltImage } from "./build-one.js";
import { createSemaphore } from "../util/semaphore.js";
import type { BuildTarget } from "./targets.js";

export type ImageOutcome =
  | { readonly image: string; readonly outcome: "up-to-date"; readonly reference: string; readonly digest: string }
  | { readonly image: string; readonly outcome: "built"; readonly built: BuiltImage; readonly durationMs: number }
  | { readonly image: string; readonly outcome: "failed"; readonly error: unknown; readonly durationMs: number }
  | { readonly image: string; readonly outcome: "skipped"; readonly because: string };

export interface BuildReport {
  readonly outcomes: readonly ImageOutcome[];
  readonly ok: boolean;
  readonly durationMs: number;
}

export interface ExecuteOptions {
  readonly jobs: number;
  readonly onStart?: (image: string) => void;
  readonly onProgress?: (image: string, event: ProgressEvent) => void;
  readonly onNote?: (image: string, text: string) => void;
  readonly onOutcome?: (outcome: ImageOutcome) => void;
}

/**
 * Carries out a plan: each image once its parent is done, independent branches at the same
 * time (at most `jobs` builds at once). A failed image stops its subtree (recorded as
 * skipped) and nothing else; images already pushed stay as they were.
 */
export async function executePlan(
  plan: Plan,
  graph: ImageGraph,
  targets: ReadonlyMap<string, BuildTarget>,
  deps: BuildDeps,
  options: ExecuteOptions,
): Promise<BuildReport> {
  const started = Date.now();
  const limit = createSemaphore(Math.max(1, options.jobs));
  const results = new Map<string, Promise<ImageOutcome>>();
  const run = async (entry: PlanEntry): Promise<ImageOutcome> => {
    const parent = graph.parentOf(entry.image);
    const parentOutcome = parent.kind === "graph" ? await results.get(parent.name) : undefined;
    const outcome = await runEntry(entry, parent, parentOutcome, targets, deps, options, limit);
    options.onOutcome?.(outcome);
    return outcome;
  };
  for (const entry of plan.entries) results.set(entry.image, run(entry));
  const outcomes = await Promise.all(plan.entries.map((entry) => results.get(entry.image) as Promise<ImageOutcome>));
  return { outcomes, ok: outcomes.every((o) => o.outcome === "built" || o.outcome === "up-to-date"), durationMs: Date.now() - started };
}

async function runEntry(
  entry: PlanEntry,
  parent: ReturnType<ImageGraph["parentOf"]>,
  parentOutcome: ImageOutcome | undefined,
  targets: ReadonlyMap<string, BuildTarget>,
  deps: BuildDeps,
  options: ExecuteOptions,
  limit: ReturnType<typeof createSemaphore>,
): Promise<ImageOutcome> {
  const target = targets.get(entry.image);
  if (entry.action === "up-to-date" || !target) {
    const digest = entry.action === "up-to-date" ? entry.digest : "";
    return { image: entry.image, outcome: "up-to-date", reference: `${target?.repository ?? entry.image}@${digest}`, digest };
  }
  if (parentOutcome && (parentOutcome.outcome === "failed" || parentOutcome.outcome === "skipped")) {
    const because = parentOutcome.outcome === "failed" ? `its parent ${parentOutcome.image} failed` : `its parent ${parentOutcome.image} was skipped`;
    const record = await deps.store.startBuild({ image: entry.image, reasons: entry.reasons, inputs: { ...entry.inputs } });
    await deps.store.finishBuild(record.id, { status: "skipped", error: because });
    return { image: entry.image, outcome: "skipped", because };
  }
  const parentRef = parentReference(parent, parentOutcome, entry);
  return limit(async () => {
    const started = Date.now();
    options.onStart?.(entry.image);
    try {
      const built = await buildOne(
        {
          target,
          inputs: entry.inputs,
          reasons: entry.reasons,
          ...(parentRef ? { parent: parentRef } : {}),
          onProgress: (event) => options.onProgress?.(entry.image, event),
          onNote: (text) => options.onNote?.(entry.image, text),
        },
        deps,
      );
      return { image: entry.image, outcome: "built", built, durationMs: Date.now() - started };
    } catch (error) {
      return { image: entry.image, outcome: "failed", error, durationMs: Date.now() - started };
    }
  });
}

/** The parent as the child's build sees it: by digest once pushed, else by its local tag and image ID. */
function parentReference(
  parent: ReturnType<ImageGraph["parentOf"]>,
  parentOutcome: ImageOutcome | undefined,
  entry: Extract<PlanEntry, { action: "build" }>,
): { ref: string; digest: string } | undefined {
  if (parent.kind === "none") return undefined;
  if (parent.kind === "external") {
    const digest = entry.inputs.parentDigest ?? "";
    return { ref: `${parent.ref.replace(/@.*$/, "")}@${digest}`, digest };
  }
  if (parentOutcome?.outcome === "up-to-date") return { ref: parentOutcome.reference, digest: parentOutcome.digest };
  if (parentOutcome?.outcome === "built") {
    const built = parentOutcome.built;
    return built.digest
      ? { ref: `${built.reference.replace(/:[^:/]+$/, "")}@${built.digest}`, digest: built.digest }
      : { ref: built.reference, digest: built.imageId };
  }
  return undefined;
}
