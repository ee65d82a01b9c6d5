import * as z from "zod";
import type { Secret } from "../util/secret.js";
import { bodyDeliveryId, constantTimeEqual } from "./compare.js";
import { optionalText } from "./git-push.js";
import { imageHint } from "./image-hint.js";
import { readJson } from "./read-json.js";
import type { WebhookRequest, WebhookResult } from "./types.js";

const dockerhubSchema = z.looseObject({
  push_data: z.looseObject({ tag: optionalText }).catch({}),
  repository: z.looseObject({ repo_name: z.string().min(1) }),
});

/**
 * Docker Hub signs nothing and sends no delivery id: the secret is the last part of the URL
 * (/hooks/dockerhub/<path_secret>), and the delivery id is a hash of the body (the same push
 * re-sent is the same body). The hint is the repository as Docker Hub names it (my-org/app).
 */
export function verifyDockerhub(request: WebhookRequest, config: { readonly path_secret: Secret }): WebhookResult {
  if (!constantTimeEqual(request.pathSecret ?? "", config.path_secret.reveal())) {
    return { ok: false, status: 401, reason: "the secret in the URL path does not match the configured path_secret" };
  }
  const json = readJson(request.body, undefined);
  if (!json.ok) return json;
  const push = dockerhubSchema.safeParse(json.value);
  if (!push.success) return { ok: false, status: 400, reason: "the body has no repository.repo_name (is this a Docker Hub webhook payload?)" };
  const base = { ok: true, provider: "dockerhub", deliveryId: bodyDeliveryId(request.body), event: "push" } as const;
  const hint = imageHint(push.data.repository.repo_name, push.data.push_data.tag);
  return typeof hint === "string" ? { ...base, hints: [], notes: [hint] } : { ...base, hints: [hint], notes: [] };
}
