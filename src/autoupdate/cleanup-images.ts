import type { Engine } from "../engine/index.js";

export interface CleanupReport {
  readonly removed: readonly string[];
  /** Kept for rollback (in `keep`). */
  readonly kept: readonly string[];
  /** Used by a container (running or not). */
  readonly inUse: readonly string[];
  /** The engine refused (e.g. a child image depends on it): id and its words. */
  readonly failed: readonly { readonly id: string; readonly reason: string }[];
}

/**
 * Removes the images that updates replaced (`candidates`: the previous image IDs of updated
 * containers and services), never one a container uses, running or stopped, and never one
 * in `keep` (the images kept for rollback).
 */
export async function cleanupImages(engine: Engine, options: { candidates: Iterable<string>; keep: ReadonlySet<string> }): Promise<CleanupReport> {
  const used = new Set((await engine.listContainers({ all: true })).map((c) => c.imageId));
  const removed: string[] = [];
  const kept: string[] = [];
  const inUse: string[] = [];
  const failed: { id: string; reason: string }[] = [];
  for (const id of new Set(options.candidates)) {
    if (options.keep.has(id)) {
      kept.push(id);
      continue;
    }
    if (used.has(id)) {
      inUse.push(id);
      continue;
    }
    try {
      // force: an image that still has tags (e.g. repo@digest) is removed with them; in-use was checked above.
      if (await engine.removeImage(id, { force: true })) removed.push(id);
    } catch (error) {
      failed.push({ id, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { removed, kept, inUse, failed };
}
