import { SlipwayError } from "../errors/index.js";
import type { Engine } from "../engine/index.js";
import { latestTag, matchesScheme, type TagScheme } from "../graph/tag-schemes.js";
import { normalizeReference } from "../reference/index.js";
import type { RegistryClient } from "../registry/index.js";
import type { EnvironmentLookup } from "./environment-tag.js";

/** The newest version of an image: its tag by the tag scheme's ordering, never by push time. */
export interface NewestImage {
  readonly repository: string;
  /** The version: a tag of the image's scheme (IMAGE_VERSION). */
  readonly tag: string;
  /** What to pull and run: repository:tag, or repository:tag@digest when found by an environment tag. */
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

/**
 * The newest build of `repository` for an environment: the manifest its environment tag points
 * at (one HEAD), with the version read from the image's own label (one manifest and one config
 * read). Undefined when no build for the environment was pushed yet. The reference pins the
 * digest: under the sha schemes two environments' builds of one commit share a version tag.
 */
export async function newestForEnvironment(client: RegistryClient, repository: string, scheme: TagScheme, tag: string): Promise<NewestImage | undefined> {
  const ref = normalizeReference(repository);
  const digest = await client.manifestDigest(ref.path, tag);
  if (digest === undefined) return undefined;
  const labels = (await client.getImageConfig(ref.path, digest)).config.Labels;
  const version = labels[VERSION_LABEL];
  const known = version !== undefined && matchesScheme(scheme, version) ? version : tag;
  return { repository, tag: known, reference: `${repository}:${known}@${digest}`, digest };
}

/**
 * The newest image a deployment, a job or the launcher takes: for an environment, the build its
 * environment tag names (environmentLookup says when); otherwise the newest by the tag scheme.
 */
export async function newestFor(
  client: RegistryClient,
  image: { readonly repository: string; readonly scheme: TagScheme },
  lookup: EnvironmentLookup | undefined,
): Promise<NewestImage> {
  if (lookup !== undefined) {
    const found = await newestForEnvironment(client, image.repository, image.scheme, lookup.tag);
    if (found !== undefined) return found;
    if (lookup.required) {
      throw new SlipwayError(
        "IMAGE_NOT_FOUND",
        `${image.repository} has no build for the environment ${lookup.environment} yet (there is no tag ${lookup.tag})`,
        {
          hint: `a pipeline run for ${lookup.environment} pushes one (a push to a branch it binds, or slipway pipeline run), or: slipway build --env ${lookup.environment} --push`,
        },
      );
    }
  }
  return newestInRegistry(client, image.repository, image.scheme);
}

/** The label every image Slipway builds carries its version (tag) in. */
const VERSION_LABEL = "org.opencontainers.image.version";

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
