import { SlipwayError } from "../errors/index.js";

/**
 * The distribution reference grammar, just the parts the registry API needs. src/reference
 * holds the full parser of image references; these checks guard each request, so no name
 * that could change a URL's path or query ever reaches one.
 */
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?$`);
const MAX_REPOSITORY_LENGTH = 255;

export function isRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_LENGTH && REPOSITORY.test(name);
}

export function isTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

export function isRegistryHost(host: string): boolean {
  return HOST.test(host);
}

export function checkRepositoryName(name: string): string {
  if (isRepositoryName(name)) return name;
  throw new SlipwayError("REFERENCE_INVALID", `"${name}" is not a repository name`, {
    hint: "a repository name is lowercase path components separated by `/`, each of letters, digits and single `.`, `_`, `__` or `-` separators, at most 255 characters (e.g. my-org/app1-prod)",
  });
}

export function checkTag(tag: string): string {
  if (isTag(tag)) return tag;
  throw new SlipwayError("REFERENCE_INVALID", `"${tag}" is not a tag`, {
    hint: "a tag is 1 to 128 letters, digits, `_`, `.` and `-`, and does not start with `.` or `-` (e.g. 20180923T082316Z)",
  });
}

export function checkDigest(digest: string): string {
  if (isDigest(digest)) return digest;
  throw new SlipwayError("REFERENCE_INVALID", `"${digest}" is not a digest`, {
    hint: "a digest is sha256: followed by 64 lowercase hex digits",
  });
}

/** A tag or a digest: what follows the repository in /v2/<name>/manifests/<reference>. */
export function checkManifestReference(reference: string): string {
  if (reference.includes(":")) return checkDigest(reference);
  return checkTag(reference);
}

export function checkRegistryHost(host: string): string {
  if (isRegistryHost(host)) return host;
  throw new SlipwayError("REFERENCE_INVALID", `"${host}" is not a registry host`, {
    hint: "write a registry as host[:port], without a scheme or path (e.g. registry.example.com or 127.0.0.1:5000)",
  });
}
