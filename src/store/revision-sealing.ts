import { withSecrets } from "../util/secret-rule.js";
import { isSealed, sealText, unsealText } from "./seal.js";
import type { SecretKeySource } from "./secret-key.js";

/**
 * A revision's spec at rest: sealed whole (its variables, command and labels alike), so the
 * database holds no variable value in clear, whichever names the user thought secret. Its
 * secret values are remembered on the way in and out, so redactText() scrubs them from the
 * deployment's logs and errors. Specs stored before sealing existed are plain JSON, read as is.
 */
export interface RevisionIdentity {
  readonly service: string;
  readonly environment: string;
  readonly revision: number;
}

export function sealSpec(spec: Readonly<Record<string, unknown>>, keys: SecretKeySource, identity: RevisionIdentity): string {
  rememberSecrets(spec);
  return sealText(JSON.stringify(spec), keys.forWriting(), contextOf(identity));
}

export function unsealSpec(stored: string, keys: SecretKeySource, identity: RevisionIdentity): Record<string, unknown> {
  const json = isSealed(stored) ? unsealText(stored, keys, contextOf(identity), describe(identity)) : stored;
  const spec = JSON.parse(json) as Record<string, unknown>;
  rememberSecrets(spec);
  return spec;
}

/** "revision 3 of web (prod)" */
export function describe(identity: RevisionIdentity): string {
  return `revision ${identity.revision} of ${identity.service} (${identity.environment})`;
}

function contextOf(identity: RevisionIdentity): string {
  return ["revision", identity.service, identity.environment, String(identity.revision)].join("\0");
}

/** Wraps the spec's secret variables as Secrets: from then on redactText() replaces them. */
function rememberSecrets(spec: Readonly<Record<string, unknown>>): void {
  const env = spec["env"];
  if (typeof env !== "object" || env === null) return;
  const marked = Array.isArray(spec["secretEnv"]) ? spec["secretEnv"].filter((name): name is string => typeof name === "string") : [];
  withSecrets(env as Record<string, string>, marked);
}
