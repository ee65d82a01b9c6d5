import * as z from "zod";
import type { Secret } from "../util/secret.js";
import { bodyDeliveryId, constantTimeEqual, header } from "./compare.js";
import { optionalText, readPush } from "./git-push.js";
import { readJson } from "./read-json.js";
import type { WebhookRequest, WebhookResult } from "./types.js";

const urlsSchema = z
  .looseObject({ git_http_url: optionalText, git_ssh_url: optionalText, web_url: optionalText, http_url: optionalText, ssh_url: optionalText })
  .catch({});

const gitlabPushSchema = z.looseObject({
  object_kind: optionalText,
  ref: z.string(),
  after: optionalText,
  /** null when the branch was deleted (after is then all zeros). */
  checkout_sha: z.string().nullable().optional().catch(undefined),
  project: urlsSchema,
  repository: z.looseObject({ git_http_url: optionalText, git_ssh_url: optionalText, homepage: optionalText, url: optionalText }).catch({}),
});

/**
 * GitLab: X-Gitlab-Token carries the webhook's secret token itself (GitLab signs nothing);
 * X-Gitlab-Event is "Push Hook" for a push. The delivery id is Idempotency-Key (GitLab 17.4+,
 * the same on every retry), else X-Gitlab-Event-UUID, else a hash of the body.
 */
export function verifyGitlab(request: WebhookRequest, config: { readonly token: Secret }): WebhookResult {
  const token = header(request.headers, "x-gitlab-token");
  if (token === undefined) return { ok: false, status: 401, reason: "the X-Gitlab-Token header is missing (is the webhook's secret token set?)" };
  if (!constantTimeEqual(token, config.token.reveal())) return { ok: false, status: 401, reason: "the X-Gitlab-Token does not match the configured token" };
  const json = readJson(request.body, header(request.headers, "content-type"));
  if (!json.ok) return json;
  const event = header(request.headers, "x-gitlab-event") ?? "Push Hook";
  const deliveryId = header(request.headers, "idempotency-key") ?? header(request.headers, "x-gitlab-event-uuid") ?? bodyDeliveryId(request.body);
  const base = { ok: true, provider: "gitlab", deliveryId, event } as const;
  if (event !== "Push Hook" && event !== "System Hook") return { ...base, hints: [], notes: [`a ${event} event, which is not a push`] };
  const push = gitlabPushSchema.safeParse(json.value);
  if (!push.success) return { ok: false, status: 400, reason: "the push event has no ref (is this a GitLab push payload?)" };
  const { object_kind: kind, ref, after, checkout_sha: checkout, project: p, repository: r } = push.data;
  if (kind !== undefined && kind !== "push") return { ...base, hints: [], notes: [`a ${kind} event, which is not a push`] };
  const urls = [p.git_http_url, p.git_ssh_url, p.web_url, p.http_url, p.ssh_url, r.git_http_url, r.git_ssh_url, r.homepage, r.url];
  return { ...base, ...readPush({ ref, after: checkout ?? after, urls }) };
}
