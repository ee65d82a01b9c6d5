import * as z from "zod";
import type { Secret } from "../util/secret.js";
import { bodyDeliveryId, constantTimeEqual, header, hmacSha256Hex } from "./compare.js";
import { optionalFlag, optionalText, readPush } from "./git-push.js";
import { readJson } from "./read-json.js";
import type { WebhookRequest, WebhookResult } from "./types.js";

export const githubPushSchema = z.looseObject({
  ref: z.string(),
  after: optionalText,
  deleted: optionalFlag,
  repository: z.looseObject({ clone_url: optionalText, ssh_url: optionalText, html_url: optionalText, git_url: optionalText, url: optionalText }).catch({}),
});

/**
 * GitHub: X-Hub-Signature-256 is `sha256=<lower-case hex HMAC-SHA256 of the raw body>`, compared
 * exactly as GitHub writes it (an upper-case `SHA256=` or hex is refused); X-GitHub-Event
 * names the event (push, ping, …) and X-GitHub-Delivery is the delivery's GUID, kept on a
 * redelivery. Only a push to a branch gives a hint.
 */
export function verifyGithub(request: WebhookRequest, config: { readonly secret: Secret }): WebhookResult {
  const signature = header(request.headers, "x-hub-signature-256");
  if (signature === undefined) return { ok: false, status: 401, reason: "the X-Hub-Signature-256 header is missing (is the webhook's secret set?)" };
  if (!constantTimeEqual(signature, `sha256=${hmacSha256Hex(config.secret, request.body)}`)) {
    return { ok: false, status: 401, reason: "the X-Hub-Signature-256 signature does not match the body under the configured secret" };
  }
  const json = readJson(request.body, header(request.headers, "content-type"));
  if (!json.ok) return json;
  const event = header(request.headers, "x-github-event") ?? "push";
  const deliveryId = header(request.headers, "x-github-delivery") ?? bodyDeliveryId(request.body);
  const base = { ok: true, provider: "github", deliveryId, event } as const;
  if (event !== "push") return { ...base, hints: [], notes: [event === "ping" ? "a ping" : `a ${event} event, which is not a push`] };
  const push = githubPushSchema.safeParse(json.value);
  if (!push.success) return { ok: false, status: 400, reason: "the push event has no ref (is this a GitHub push payload?)" };
  const { ref, after, deleted, repository: r } = push.data;
  return { ...base, ...readPush({ ref, after, deleted, urls: [r.clone_url, r.ssh_url, r.html_url, r.git_url, r.url] }) };
}
