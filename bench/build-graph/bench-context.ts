import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine } from "../../src/engine/index.js";
import { ensureBaseImage } from "../../test/harness/base-image.js";
import { ensureEngine } from "../../test/harness/engine.js";
import { startRegistry, type TestRegistry } from "../../test/harness/registry.js";

/**
 * What every part of the benchmark shares: a temp directory, the real Docker engine, a real
 * registry of its own on a free loopback port, and a busybox base image pushed to it.
 */
export interface BenchContext {
  readonly root: string;
  readonly engine: Engine;
  readonly registry: TestRegistry;
  /** host:port/bench/busybox:1, an external base for `from:`. */
  readonly base: string;
  /** Removes the images tagged into this run's registry, stops the registry, deletes the temp directory. */
  close(): Promise<void>;
}

export async function openBenchContext(): Promise<BenchContext> {
  const root = mkdtempSync(join(tmpdir(), "slipway-bench-"));
  const engine = await ensureEngine();
  const registry = await startRegistry();
  const base = `${registry.host}/bench/busybox:1`;
  await engine.tagImage(await ensureBaseImage(engine), base);
  await engine.push(base);
  return {
    root,
    engine,
    registry,
    base,
    async close() {
      await removeTagsOf(engine, `${registry.host}/`);
      await registry.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The registry's port is new in each run, so every tag under host:port/ is this run's. Tags
 * are removed one by one: an image shared with other tags (the test base) only loses ours.
 */
async function removeTagsOf(engine: Engine, prefix: string): Promise<void> {
  for (const image of await engine.listImages()) {
    for (const tag of image.tags.filter((t) => t.startsWith(prefix))) await engine.removeImage(tag);
  }
}
