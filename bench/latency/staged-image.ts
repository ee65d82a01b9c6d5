import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine } from "../../src/engine/index.js";
import { ensureBaseImage } from "../../test/harness/base-image.js";
import { testLabels } from "../../test/harness/labels.js";
import { readManifest, type StoredManifest } from "../build-graph/registry-copy.js";

/** Where staged images wait in the registry until a round "pushes" them to the watched tag. */
export const STAGING_REPOSITORY = "bench-latency/staging";

/** An image that is in the registry (under the staging repository) and NOT on this engine. */
export interface StagedImage {
  /** What the web server in it answers on `/` ($HTTP_BODY). */
  readonly body: string;
  /** Its manifest digest. */
  readonly digest: string;
  /** `host/bench-latency/staging@digest`: what the floor pulls. */
  readonly pinned: string;
  /** Its manifest as stored, to put under another tag with blob mounts (copyManifest). */
  readonly manifest: StoredManifest;
}

export interface Registry {
  /** host:port as image references name it. */
  readonly host: string;
  /** http://host:port */
  readonly url: string;
}

/**
 * Builds an image answering `body` (the tests' busybox web server) with one layer of its own
 * (`layerKib` KiB of random bytes, so a pull downloads and extracts something real), pushes
 * it to the staging repository, then removes it from the engine: whoever wants to run it must
 * pull it.
 */
export async function stageImage(engine: Engine, registry: Registry, body: string, layerKib: number): Promise<StagedImage> {
  const base = await ensureBaseImage(engine);
  const dir = mkdtempSync(join(tmpdir(), "slipway-bench-latency-"));
  const ref = `${registry.host}/${STAGING_REPOSITORY}:${body}`;
  try {
    writeFileSync(join(dir, "payload.bin"), randomBytes(layerKib * 1024));
    writeFileSync(join(dir, "Dockerfile"), [`FROM ${base}`, "COPY payload.bin /payload.bin", `ENV HTTP_BODY=${body}`, ""].join("\n"));
    const built = await engine.build({ contextDir: dir, tags: [ref], labels: testLabels() });
    const pushed = await engine.push(ref);
    const manifest = await readManifest(registry.url, STAGING_REPOSITORY, pushed.digest);
    await engine.removeImage(built.imageId, { force: true });
    return { body, digest: pushed.digest, pinned: `${registry.host}/${STAGING_REPOSITORY}@${pushed.digest}`, manifest };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
