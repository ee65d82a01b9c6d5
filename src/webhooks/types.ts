import type { WebhookProviderId } from "../config/controller-schema.js";

/** The webhook senders Slipway understands, one route each under /hooks/. */
export type ProviderId = WebhookProviderId;

/**
 * A git push, as a hint: the repository (every URL form the payload gives, so a source
 * written as ssh or https matches), the branch and, when the payload says, the new commit.
 * Slipway re-reads the branch itself before acting; the commit is a hint only.
 */
export interface GitHint {
  readonly kind: "git";
  readonly repo: readonly string[];
  /** Always set by the git providers; the generic webhook may leave it out when it names a source. */
  readonly branch?: string;
  readonly commit?: string;
  /** The generic webhook may name a source of slipway.yml directly. */
  readonly source?: string;
}

/**
 * An image push, as a hint: the repository as people write it (host/path, or a Docker Hub
 * name such as my-org/app), the tag and, when the sender says, the digest. Slipway re-reads
 * the digest from the registry and deploys by digest.
 */
export interface ImageHint {
  readonly kind: "image";
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export type Hint = GitHint | ImageHint;

export type RejectStatus = 400 | 401 | 404 | 413 | 415;

export interface Accepted {
  readonly ok: true;
  readonly provider: ProviderId;
  /** The sender's delivery id, or a hash of the body when the sender gives none. */
  readonly deliveryId: string;
  /** The sender's event name: push, ping, Push Hook, …; "push" where the sender names none. */
  readonly event: string;
  readonly hints: readonly Hint[];
  /** What was read but gives no hint, for the log: a ping, a tag push, a branch deletion. */
  readonly notes: readonly string[];
}

export interface Rejected {
  readonly ok: false;
  readonly status: RejectStatus;
  /** Safe to log and to send back: never a secret or a signature. */
  readonly reason: string;
}

export type WebhookResult = Accepted | Rejected;

/** One request as a verifier sees it: lower-case header names and the raw body bytes. */
export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  /** The secret part of the path, for Docker Hub. */
  readonly pathSecret?: string;
}
