import { IDENTIFIER, PATH_MAX_LENGTH } from "./grammar.js";
import { readReference, type Reading } from "./read-reference.js";
import { invalidReference } from "./reference-error.js";
import type { ImageReference, NormalizedReference, Problem } from "./types.js";

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
  const reading = readNormalized(text);
  if (!reading.ok) throw invalidReference(String(text), "image reference", reading.problem);
  return reading.value;
}

/**
 * What keeps text from being an image reference Docker pulls and runs, or undefined: the one
 * check slipway.yml's images and a deploy's --image both get, so validate accepts exactly
 * what deploy does.
 */
export function imageReferenceProblem(text: string): Problem | undefined {
  const reading = readNormalized(text);
  return reading.ok ? undefined : reading.problem;
}

function readNormalized(text: string): Reading<NormalizedReference> {
  if (typeof text === "string" && IDENTIFIER.test(text)) {
    return failed({
      what: "a 64-hex-digit string is an image ID, not a repository name",
      hint: "name the repository (e.g. busybox), or give the digest as busybox@sha256:<64 hex digits>",
    });
  }
  const reading = readReference(text);
  if (!reading.ok) return reading;
  const ref = reading.value;
  const name = qualifiedName(ref);
  if (name.path.length > PATH_MAX_LENGTH) {
    return failed({
      what: `the repository name ${name.path.slice(0, 40)}… is too long once qualified (${name.path.length} characters, at most ${PATH_MAX_LENGTH})`,
      hint: "shorten the repository name",
    });
  }
  const nameOnly = ref.tag === undefined && ref.digest === undefined;
  return { ok: true, value: { ...ref, ...name, ...(nameOnly ? { tag: DEFAULT_TAG } : {}) } };
}

function failed(problem: Problem): { readonly ok: false; readonly problem: Problem } {
  return { ok: false, problem };
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
