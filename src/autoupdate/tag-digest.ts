import type { Engine, RegistryCredentials } from "../engine/index.js";
import { SlipwayError } from "../errors/index.js";
import { DEFAULT_TAG, formatReference, normalizeReference, parseReference, type ImageReference } from "../reference/index.js";
import type { RegistryClient } from "../registry/index.js";

/** The registries auto-update reads: one client per host (src/builder createRegistryPool fits). */
export interface RegistrySource {
  client(host: string): Pick<RegistryClient, "manifestDigest" | "listTags">;
}

/** What reading a tag's digest needs of the registries. */
export interface DigestSource {
  client(host: string): Pick<RegistryClient, "manifestDigest">;
}

export interface FollowedTag {
  /** The reference as written, parsed: [domain/]path:tag. */
  readonly written: ImageReference;
  readonly tag: string;
  /** The digest the registry serves for the tag now (manifest HEAD). */
  readonly digest: string;
}

/**
 * The digest a tag points at in its registry now. A reference pinned by digest follows
 * nothing (CONFIG_INVALID); a tag the registry does not have is REGISTRY_NOT_FOUND.
 * Registry failures (REGISTRY_RATE_LIMITED with retryAfterMs...) are left to the caller's backoff.
 */
export async function tagDigest(registries: DigestSource, reference: string): Promise<FollowedTag> {
  const written = parseReference(reference);
  if (written.digest !== undefined) {
    throw new SlipwayError("CONFIG_INVALID", `${reference} is pinned by digest, so there is no tag to follow for updates`, {
      hint: "name a tag (e.g. myorg/foo:qa) to follow it, or turn auto-update off",
    });
  }
  const normalized = normalizeReference(reference);
  const tag = written.tag ?? DEFAULT_TAG;
  const digest = await registries.client(normalized.domain).manifestDigest(normalized.path, tag);
  if (digest === undefined) {
    throw new SlipwayError(
      "REGISTRY_NOT_FOUND",
      `the registry ${normalized.domain} has no tag ${tag} of ${normalized.path} (followed for auto-update by ${reference})`,
      {
        hint: "push the tag, or correct the image reference",
      },
    );
  }
  return { written, tag, digest };
}

/** The first pause before re-reading a tag that still names the running digest; it doubles. */
const NOTICE_FIRST_WAIT_MS = 100;
/** The last pause: 100 + 200 + 400 + 800 + 1600 ms, about 3 s in all. */
const NOTICE_LAST_WAIT_MS = 1_600;

/**
 * The tag's digest after a registry announced `announced` for it. The distribution registry
 * sends its notification before it moves the tag, so right after one the tag can still name
 * the old digest. While the tag names a digest `isRunning` says already runs (not the one
 * announced), it is read again after a pause (about 3 s in all); any other answer is the
 * registry's word and is taken: the announcement is only a hint.
 */
export async function tagDigestAfterNotice(
  registries: DigestSource,
  reference: string,
  announced: string | undefined,
  isRunning: (digest: string) => boolean,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<FollowedTag> {
  let followed = await tagDigest(registries, reference);
  for (
    let wait = NOTICE_FIRST_WAIT_MS;
    announced !== undefined && followed.digest !== announced && isRunning(followed.digest) && wait <= NOTICE_LAST_WAIT_MS;
    wait *= 2
  ) {
    await sleep(wait);
    followed = await tagDigest(registries, reference);
  }
  return followed;
}

/** `[domain/]path:tag@digest`: pulls and runs exactly this digest, and still says which tag it came from. */
export function pinnedReference(followed: FollowedTag): string {
  return formatReference({ ...followed.written, tag: followed.tag, digest: followed.digest });
}

/**
 * Pulls the followed digest (the tag itself may hold an older version locally, which a pull
 * by tag-name check would not notice) and points the local tag at it, as `docker pull` of
 * the tag would. Returns the local image ID.
 */
export async function pullFollowed(engine: Engine, followed: FollowedTag, credentials?: RegistryCredentials): Promise<string> {
  const pinned = pinnedReference(followed);
  const present = await engine.inspectImage(pinned);
  const imageId = present?.id ?? (await engine.pull(pinned, credentials === undefined ? {} : { credentials })).imageId;
  await engine.tagImage(imageId, formatReference({ ...followed.written, tag: followed.tag }));
  return imageId;
}

/** The digests an image was pulled by or pushed as, for the repository of `reference`. */
export function digestsFor(repoDigests: readonly string[], reference: string): string[] {
  const repository = normalizeReference(reference);
  return repoDigests.flatMap((entry) => {
    const at = entry.indexOf("@");
    if (at === -1) return [];
    const named = normalizeReference(entry.slice(0, at));
    return named.domain === repository.domain && named.path === repository.path ? [entry.slice(at + 1)] : [];
  });
}
