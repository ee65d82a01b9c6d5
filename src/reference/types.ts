/**
 * An image reference split into its parts, as the distribution grammar reads it:
 * `[domain/]path[:tag][@digest]`, e.g. registry.example.com:5000/my-org/app1-prod:20180923T082316Z.
 * A reference without a domain means Docker Hub; normalizeReference fills it in.
 */
export interface ImageReference {
  /** The registry host and optional port: `registry.example.com`, `127.0.0.1:5000`, `[::1]:5000`. */
  readonly domain?: string;
  /** The repository path on that registry: `my-org/app1-prod`, `library/busybox`. */
  readonly path: string;
  readonly tag?: string;
  /** `algorithm:hex`, e.g. `sha256:` and 64 lowercase hex digits. */
  readonly digest?: string;
}

/** A fully qualified reference: the registry is always named (docker.io for Docker Hub). */
export interface NormalizedReference extends ImageReference {
  readonly domain: string;
}

/** What is wrong with a piece of text, and an example of what would be right. */
export interface Problem {
  readonly what: string;
  readonly hint: string;
}
