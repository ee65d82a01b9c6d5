import { createHash } from "node:crypto";

/**
 * Everything that determines an image. Two builds with equal inputs are interchangeable, so an
 * image is rebuilt exactly when no image with its fingerprint exists.
 *
 * Commits, not trees: `definition.commit` and each sealed `commit` are the last commit that
 * touched the image's context directory or the source's included paths, so a change elsewhere
 * in the repository changes nothing, while a revert (a new commit) is a new fingerprint and
 * so a new, newer tag.
 */
export interface FingerprintInputs {
  readonly definition: { readonly source: string; readonly path: string; readonly dockerfile: string; readonly commit: string };
  readonly sealed: Readonly<Record<string, { readonly source: string; readonly commit: string }>>;
  /** The digest of the parent image: a graph image's pushed digest or an external base's. */
  readonly parentDigest?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

/** Bumped when the meaning of the inputs changes, so old fingerprints stop matching. */
const FORMAT = "slipway-fingerprint/1";

/** sha256 over a canonical JSON of the inputs (object keys sorted at every level). */
export function fingerprint(inputs: FingerprintInputs): string {
  return createHash("sha256").update(FORMAT).update("\0").update(canonicalJson(inputs)).digest("hex");
}

/** The registry tag that marks an image with its fingerprint: one HEAD tells if it exists. */
export function fingerprintTag(fp: string): string {
  return `fp-${fp.slice(0, 40)}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
