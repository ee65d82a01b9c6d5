import { IDENTIFIER, PATH_MAX_LENGTH } from "./grammar.js";
import { parseReference } from "./parse.js";
import { invalidReference } from "./reference-error.js";
import type { ImageReference, NormalizedReference } from "./types.js";

/** Docker Hub's names, as distribution's normalize.go defines them. */
export const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPO_PREFIX = "library/";
export const DEFAULT_TAG = "latest";

function qualifiedName(ref: ImageReference): { domain: string; path: string } {
  const domain = ref.domain === undefined || ref.domain === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : ref.domain;
  const path = domain === DEFAULT_DOMAIN && !ref.path.includes("/") ? OFFICIAL_REPO_PREFIX + ref.path : ref.path;
  return { domain, path };
}

/**
 * The fully qualified form Docker uses (ParseNormalizedNamed + TagNameOnly): `busybox` is
 * docker.io/library/busybox:latest, `my-org/app` is docker.io/my-org/app:latest,
 * index.docker.io becomes docker.io. A reference with a digest and no tag gets no tag.
 */
export function normalizeReference(text: string): NormalizedReference {
  if (IDENTIFIER.test(text)) {
    throw invalidReference(text, "image reference", {
      what: "a 64-hex-digit string is an image ID, not a repository name",
      hint: "name the repository (e.g. busybox), or give the digest as busybox@sha256:<64 hex digits>",
    });
  }
  const ref = parseReference(text);
  const name = qualifiedName(ref);
  if (name.path.length > PATH_MAX_LENGTH) {
    throw invalidReference(text, "image reference", {
      what: `the repository name ${name.path.slice(0, 40)}… is too long once qualified (${name.path.length} characters, at most ${PATH_MAX_LENGTH})`,
      hint: "shorten the repository name",
    });
  }
  const nameOnly = ref.tag === undefined && ref.digest === undefined;
  return { ...ref, ...name, ...(nameOnly ? { tag: DEFAULT_TAG } : {}) };
}

/** The short name Docker shows: docker.io/library/busybox is `busybox`, docker.io/my-org/app is `my-org/app`. */
export function familiarName(ref: ImageReference): string {
  const { domain, path } = qualifiedName(ref);
  if (domain !== DEFAULT_DOMAIN) return `${domain}/${path}`;
  const remainder = path.startsWith(OFFICIAL_REPO_PREFIX) ? path.slice(OFFICIAL_REPO_PREFIX.length) : path;
  return remainder.includes("/") ? path : remainder;
}

/** The familiar name with the reference's own tag and digest: `busybox:1.36`. */
export function familiarString(ref: ImageReference): string {
  return familiarName(ref) + (ref.tag === undefined ? "" : `:${ref.tag}`) + (ref.digest === undefined ? "" : `@${ref.digest}`);
}
