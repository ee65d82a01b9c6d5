import { SlipwayError } from "../errors/index.js";
import type { Engine } from "../engine/index.js";
import { latestTag, type TagScheme } from "../graph/tag-schemes.js";
import { normalizeReference } from "../reference/index.js";
import type { RegistryClient } from "../registry/index.js";

/** The newest version of an image: its tag by the tag scheme's ordering, never by push time. */
export interface NewestImage {
  readonly repository: string;
  readonly tag: string;
  /** repository:tag */
  readonly reference: string;
  /** The manifest digest in the registry; absent for a local-only image. */
  readonly digest?: string;
}

/** The newest tag of `repository` in its registry (one tags list and one manifest HEAD). */
export async function newestInRegistry(client: RegistryClient, repository: string, scheme: TagScheme): Promise<NewestImage> {
  const ref = normalizeReference(repository);
  const tags = await client.listTags(ref.path);
  const tag = latestTag(scheme, tags);
  if (tag === undefined) {
    throw new SlipwayError("IMAGE_NOT_FOUND", `${repository} has no tag of the ${scheme} scheme in its registry (${tags.length} tags in all)`, {
      hint: "build and push it first: slipway build NAME --push",
    });
  }
  const digest = await client.manifestDigest(ref.path, tag);
  return { repository, tag, reference: `${repository}:${tag}`, ...(digest === undefined ? {} : { digest }) };
}

/** The newest tag of `repository` among the engine's local images. */
export async function newestLocal(engine: Engine, repository: string, scheme: TagScheme): Promise<NewestImage> {
  const images = await engine.listImages({ reference: repository });
  const prefix = `${repository}:`;
  const tags = images.flatMap((image) => image.tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length)));
  const tag = latestTag(scheme, tags);
  if (tag === undefined) {
    throw new SlipwayError("IMAGE_NOT_FOUND", `there is no local image of ${repository} tagged by the ${scheme} scheme`, {
      hint: "pull or build it first, or leave out --local to use the registry's newest",
    });
  }
  return { repository, tag, reference: `${repository}:${tag}` };
}
