import type { Secret } from "../util/secret.js";
import { bodyDeliveryId, constantTimeEqual, header, hmacSha256Hex } from "./compare.js";
import { readPush } from "./git-push.js";
import { githubPushSchema } from "./github.js";
import { readJson } from "./read-json.js";
import type { WebhookRequest, WebhookResult } from "./types.js";

/**
 * Gitea and Forgejo: X-Gitea-Signature (Forgejo also sends X-Forgejo-Signature) is the bare
 * lower-case hex HMAC-SHA256 of the raw body, compared exactly as written (upper-case hex is
 * refused). When X-Forgejo-Signature is present it is the one checked, so a wrong one is
 * never rescued by the other. The push payload has GitHub's shape.
 */
export function verifyGitea(request: WebhookRequest, config: { readonly secret: Secret }): WebhookResult {
  const forgejo = header(request.headers, "x-forgejo-signature");
  const signature = forgejo ?? header(request.headers, "x-gitea-signature");
  const name = forgejo === undefined ? "X-Gitea-Signature" : "X-Forgejo-Signature";
  if (signature === undefined) return { ok: false, status: 401, reason: "the X-Gitea-Signature header is missing (is the webhook's secret set?)" };
  if (!constantTimeEqual(signature, hmacSha256Hex(config.secret, request.body))) {
    return { ok: false, status: 401, reason: `the ${name} signature does not match the body under the configured secret` };
  }
  const json = readJson(request.body, header(request.headers, "content-type"));
  if (!json.ok) return json;
  const event = header(request.headers, "x-forgejo-event") ?? header(request.headers, "x-gitea-event") ?? "push";
  const deliveryId = header(request.headers, "x-forgejo-delivery") ?? header(request.headers, "x-gitea-delivery") ?? bodyDeliveryId(request.body);
  const base = { ok: true, provider: "gitea", deliveryId, event } as const;
  if (event !== "push") return { ...base, hints: [], notes: [`a ${event} event, which is not a push`] };
  const push = githubPushSchema.safeParse(json.value);
  if (!push.success) return { ok: false, status: 400, reason: "the push event has no ref (is this a Gitea or Forgejo push payload?)" };
  const { ref, after, deleted, repository: r } = push.data;
  return { ...base, ...readPush({ ref, after, deleted, urls: [r.clone_url, r.ssh_url, r.html_url] }) };
}
