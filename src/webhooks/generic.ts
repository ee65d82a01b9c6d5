import * as z from "zod";
import { branchProblem } from "../sources/branch.js";
import type { Secret } from "../util/secret.js";
import { bodyDeliveryId, constantTimeEqual, header, hmacSha256Hex } from "./compare.js";
import { imageHint } from "./image-hint.js";
import { readJson } from "./read-json.js";
import type { GitHint, Hint, WebhookRequest, WebhookResult } from "./types.js";

const text = z.string().min(1).max(2048).optional();

/** Slipway's own webhook body: what changed, in as few words as the sender knows. */
export const genericBodySchema = z.strictObject({
  source: text,
  repo: text,
  branch: text,
  commit: text,
  image: text,
  tag: text,
});

export type GenericBody = z.output<typeof genericBodySchema>;

/**
 * Slipway's generic webhook, for CI systems and scripts: X-Slipway-Signature is
 * `sha256=<lower-case hex HMAC-SHA256 of the raw body>`, compared exactly as written (the
 * same scheme as Slipway's own outgoing webhooks; `SHA256=` or upper-case hex is refused),
 * X-Slipway-Delivery an id of the sender's choosing. The body names a source
 * (by name), a repo and branch, and/or an image and tag.
 */
export function verifyGeneric(request: WebhookRequest, config: { readonly secret: Secret }): WebhookResult {
  const signature = header(request.headers, "x-slipway-signature");
  if (signature === undefined) return { ok: false, status: 401, reason: "the X-Slipway-Signature header is missing" };
  if (!constantTimeEqual(signature, `sha256=${hmacSha256Hex(config.secret, request.body)}`)) {
    return { ok: false, status: 401, reason: "the X-Slipway-Signature signature does not match the body under the configured secret" };
  }
  const json = readJson(request.body, undefined);
  if (!json.ok) return json;
  const body = genericBodySchema.safeParse(json.value);
  if (!body.success) {
    return { ok: false, status: 400, reason: "expected a JSON object with some of source, repo, branch, commit, image, tag (all text)" };
  }
  const { hints, notes } = genericHints(body.data);
  if (hints.length === 0 && notes.length === 0) return { ok: false, status: 400, reason: "the body names no source, repo or image" };
  const deliveryId = header(request.headers, "x-slipway-delivery") ?? bodyDeliveryId(request.body);
  return { ok: true, provider: "generic", deliveryId, event: "push", hints, notes };
}

function genericHints(body: GenericBody): { hints: Hint[]; notes: string[] } {
  const hints: Hint[] = [];
  const notes: string[] = [];
  if (body.repo !== undefined || body.source !== undefined) {
    const git = gitHint(body);
    if (typeof git === "string") notes.push(git);
    else hints.push(git);
  }
  if (body.image !== undefined) {
    const image = imageHint(body.image, body.tag);
    if (typeof image === "string") notes.push(image);
    else hints.push(image);
  }
  return { hints, notes };
}

function gitHint(body: GenericBody): GitHint | string {
  if (body.branch === undefined && body.source === undefined) return "a repo without a branch gives no hint (name the branch, or the source)";
  const problem = body.branch === undefined ? undefined : branchProblem(body.branch);
  if (problem !== undefined) return `the branch name ${problem}`;
  return {
    kind: "git",
    repo: body.repo === undefined ? [] : [body.repo],
    ...(body.branch === undefined ? {} : { branch: body.branch }),
    ...(body.source === undefined ? {} : { source: body.source }),
    ...commitOf(body),
  };
}

function commitOf(body: GenericBody): { commit?: string } {
  return body.commit !== undefined && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(body.commit) ? { commit: body.commit } : {};
}
