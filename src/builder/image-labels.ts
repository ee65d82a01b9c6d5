import type { FingerprintInputs } from "../graph/fingerprint.js";
import type { BuildTarget } from "./targets.js";

/** Slipway's own labels on every image it builds; `slipway.fingerprint` is what the planner matches. */
export const LABELS = {
  fingerprint: "dev.slipway.fingerprint",
  image: "dev.slipway.image",
  parent: "dev.slipway.parent",
  parentDigest: "dev.slipway.parent.digest",
} as const;

export interface LabelFacts {
  readonly fingerprint: string;
  readonly inputs: FingerprintInputs;
  /** The parent as built on: repository@digest, or an external ref@digest. */
  readonly parentRef?: string;
  readonly sourceUrl?: string;
  readonly created: Date;
  readonly version: string;
}

/** The user's labels, then the standard OCI ones, then Slipway's (which the user cannot override). */
export function imageLabels(target: BuildTarget, facts: LabelFacts): Record<string, string> {
  return {
    ...target.labels,
    "org.opencontainers.image.created": facts.created.toISOString(),
    "org.opencontainers.image.revision": facts.inputs.definition.commit,
    "org.opencontainers.image.version": facts.version,
    "org.opencontainers.image.title": target.name,
    ...(facts.sourceUrl === undefined ? {} : { "org.opencontainers.image.source": facts.sourceUrl }),
    ...(facts.parentRef === undefined ? {} : { "org.opencontainers.image.base.name": facts.parentRef }),
    ...(facts.inputs.parentDigest === undefined ? {} : { "org.opencontainers.image.base.digest": facts.inputs.parentDigest }),
    [LABELS.fingerprint]: facts.fingerprint,
    [LABELS.image]: target.name,
    ...(facts.parentRef === undefined ? {} : { [LABELS.parent]: facts.parentRef }),
    ...(facts.inputs.parentDigest === undefined ? {} : { [LABELS.parentDigest]: facts.inputs.parentDigest }),
    ...Object.fromEntries(Object.entries(facts.inputs.sealed).map(([mount, seal]) => [`dev.slipway.sealed.${mount}`, `${seal.source}@${seal.commit}`])),
  };
}
