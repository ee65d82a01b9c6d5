import type { Plan } from "../graph/plan.js";
import { environmentTag } from "../images/index.js";
import { normalizeReference } from "../reference/index.js";
import { forEachLimited } from "../util/semaphore.js";
import type { BuildReport } from "./execute.js";
import type { RegistryPool } from "./registry-reader.js";
import type { BuildTarget } from "./targets.js";

/** An image of a plan that has a pushed build now, by digest. */
export interface PushedImage {
  readonly image: string;
  readonly digest: string;
}

/** Each image of a plan with a pushed build: those found up to date, and those the report built and pushed. */
export function pushedImages(plan: Plan, report?: BuildReport): PushedImage[] {
  const pushed = new Map<string, string>();
  for (const entry of plan.entries) if (entry.action === "up-to-date") pushed.set(entry.image, entry.digest);
  for (const outcome of report?.outcomes ?? []) {
    if (outcome.outcome === "built" && outcome.built.digest !== undefined) pushed.set(outcome.image, outcome.built.digest);
  }
  return [...pushed].map(([image, digest]) => ({ image, digest }));
}

/**
 * Moves the environment tag of each image (src/images/environment-tag.ts) to its pushed build:
 * a retag in the registry, no layer moves. Returns the references tagged, repository:tag.
 */
export async function tagEnvironment(
  registries: RegistryPool,
  targets: ReadonlyMap<string, BuildTarget>,
  environment: string,
  images: readonly PushedImage[],
): Promise<string[]> {
  const tag = environmentTag(environment);
  const tagged: string[] = [];
  await forEachLimited(images, 8, async ({ image, digest }) => {
    const target = targets.get(image);
    if (target === undefined) return;
    const ref = normalizeReference(target.repository);
    await registries.client(ref.domain).tagManifest(ref.path, digest, tag);
    tagged.push(`${target.repository}:${tag}`);
  });
  return tagged.sort();
}
