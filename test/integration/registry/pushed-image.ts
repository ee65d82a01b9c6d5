import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine, RegistryCredentials } from "../../../src/engine/index.js";
import { ensureBaseImage } from "../../harness/base-image.js";
import { testLabels, testName } from "../../harness/labels.js";

export const IMAGE_LABEL = "org.example.slipway-registry-test";

export interface PushedImage {
  /** The repository inside the registry (no host). */
  readonly repository: string;
  /** The value of IMAGE_LABEL in the image's config. */
  readonly labelValue: string;
  /** The digest the engine reported for each pushed tag. */
  readonly digests: Readonly<Record<string, string>>;
}

/**
 * Builds an image with a layer and a label of its own, and pushes it to `host` under each tag
 * with the real engine. Tags of one image share its digest.
 */
export async function pushImage(engine: Engine, host: string, tags: readonly string[], credentials?: RegistryCredentials): Promise<PushedImage> {
  const base = await ensureBaseImage(engine);
  const labelValue = randomBytes(6).toString("hex");
  const dir = mkdtempSync(join(tmpdir(), "slipway-registry-image-"));
  const repository = testName("registry");
  try {
    writeFileSync(join(dir, "Dockerfile"), `FROM ${base}\nCOPY unique.txt /unique.txt\n`);
    writeFileSync(join(dir, "unique.txt"), randomBytes(512).toString("hex"));
    const built = await engine.build({ contextDir: dir, tags: [`${repository}:local`], labels: testLabels({ [IMAGE_LABEL]: labelValue }) });
    const digests: Record<string, string> = {};
    for (const tag of tags) {
      const ref = `${host}/${repository}:${tag}`;
      await engine.tagImage(built.imageId, ref);
      digests[tag] = (await engine.push(ref, credentials === undefined ? {} : { credentials })).digest;
    }
    return { repository, labelValue, digests };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
