import type { WebhooksConfig } from "../config/controller-schema.js";
import { verifyDockerhub } from "./dockerhub.js";
import { verifyGeneric } from "./generic.js";
import { verifyGitea } from "./gitea.js";
import { verifyGithub } from "./github.js";
import { verifyGitlab } from "./gitlab.js";
import { verifyRegistry } from "./registry.js";
import type { ProviderId, WebhookRequest, WebhookResult } from "./types.js";

export interface WebhookProvider {
  readonly id: ProviderId;
  /** The route under /hooks/; Docker Hub's ends in the path secret. */
  readonly path: string;
  readonly title: string;
  /** Verifies a request against this provider's config (never undefined here) and reads its hints. */
  verify(request: WebhookRequest, webhooks: WebhooksConfig): WebhookResult;
}

const notConfigured = (id: ProviderId): WebhookResult => ({
  ok: false,
  status: 404,
  reason: `webhooks from ${id} are not configured (controller.webhooks.${id})`,
});

/** Every webhook sender Slipway understands, by id. */
export const webhookProviders: readonly WebhookProvider[] = [
  { id: "github", path: "/hooks/github", title: "GitHub", verify: (r, w) => (w.github ? verifyGithub(r, w.github) : notConfigured("github")) },
  { id: "gitlab", path: "/hooks/gitlab", title: "GitLab", verify: (r, w) => (w.gitlab ? verifyGitlab(r, w.gitlab) : notConfigured("gitlab")) },
  { id: "gitea", path: "/hooks/gitea", title: "Gitea or Forgejo", verify: (r, w) => (w.gitea ? verifyGitea(r, w.gitea) : notConfigured("gitea")) },
  { id: "generic", path: "/hooks/generic", title: "Slipway generic", verify: (r, w) => (w.generic ? verifyGeneric(r, w.generic) : notConfigured("generic")) },
  { id: "registry", path: "/hooks/registry", title: "registry", verify: (r, w) => (w.registry ? verifyRegistry(r, w.registry) : notConfigured("registry")) },
  {
    id: "dockerhub",
    path: "/hooks/dockerhub/:secret",
    title: "Docker Hub",
    verify: (r, w) => (w.dockerhub ? verifyDockerhub(r, w.dockerhub) : notConfigured("dockerhub")),
  },
];

/** Verifies one request for one provider: 404 when that provider is not configured. */
export function verifyWebhook(provider: ProviderId, request: WebhookRequest, webhooks: WebhooksConfig): WebhookResult {
  const found = webhookProviders.find((entry) => entry.id === provider);
  return found ? found.verify(request, webhooks) : notConfigured(provider);
}
