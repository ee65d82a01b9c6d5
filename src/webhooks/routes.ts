import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebhooksConfig } from "../config/controller-schema.js";
import type { Store } from "../store/index.js";
import { webhookProviders, type WebhookProvider } from "./providers.js";
import type { Accepted, Hint, ProviderId } from "./types.js";

export interface HintMeta {
  readonly provider: ProviderId;
  readonly deliveryId: string;
  readonly event: string;
}

export type WebhookLog = Pick<FastifyBaseLogger, "info" | "warn" | "error">;

export interface WebhookRoutesOptions {
  /** controller.webhooks as parsed: a provider left out answers 404. */
  readonly webhooks: WebhooksConfig;
  /** controller.max_body in bytes: a larger body is refused with 413 before it is read in full. */
  readonly maxBody: number;
  readonly store: Pick<Store, "acceptDelivery">;
  /**
   * Called once per new delivery that has hints, after it was verified and recorded, before
   * the 202 is sent: it must only enqueue (matching hints to sources and images, and logging
   * the ones nothing uses, is the caller's job; see matchHints). Not called with `queueFor`.
   */
  onHints(hints: readonly Hint[], meta: HintMeta): void;
  /**
   * Several controllers share the store: a delivery's hints go to the store's inbox for the
   * leader of this leadership, in the transaction that records the delivery, instead of onHints.
   */
  readonly queueFor?: string;
  /** Which controller accepted it, for the inbox. */
  readonly receivedBy: string;
  readonly log: WebhookLog;
}

/** What every accepted delivery is answered with (HTTP 202). */
export interface WebhookReply {
  readonly accepted: true;
  readonly deliveryId: string;
  readonly hints: number;
  readonly duplicate?: true;
}

/**
 * Mounts POST /hooks/github, /hooks/gitlab, /hooks/gitea, /hooks/generic, /hooks/registry and
 * /hooks/dockerhub/:secret in their own encapsulated plugin: bodies are kept raw (every content
 * type, so signatures are checked over the exact bytes sent) and limited to maxBody. Each
 * request is verified, recorded by delivery id (a re-delivery answers 202 duplicate and calls
 * nothing), handed to onHints and answered 202. The routes exist once the app is ready.
 */
export function registerWebhookRoutes(app: FastifyInstance, options: WebhookRoutesOptions): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: options.maxBody }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: FastifyError, request, reply) => answerError(error, request, reply, options));
    for (const provider of webhookProviders) {
      // Docker Hub's path holds its secret: keep Fastify's own request logs (which print the URL) off that route.
      const logLevel = provider.id === "dockerhub" ? "warn" : undefined;
      scope.post(provider.path, { bodyLimit: options.maxBody, ...(logLevel ? { logLevel } : {}) }, (request, reply) =>
        handle(provider, request, reply, options),
      );
    }
  });
}

async function handle(provider: WebhookProvider, request: FastifyRequest, reply: FastifyReply, options: WebhookRoutesOptions): Promise<FastifyReply> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const pathSecret = (request.params as { secret?: string }).secret;
  const result = provider.verify({ headers: request.headers, body, ...(pathSecret === undefined ? {} : { pathSecret }) }, options.webhooks);
  if (!result.ok) {
    options.log.warn({ provider: provider.id, status: result.status, reason: result.reason, ip: request.ip }, `webhook from ${provider.title} refused`);
    return reply.code(result.status).send({ error: result.reason });
  }
  const queueFor = result.hints.length > 0 ? options.queueFor : undefined;
  const fresh = await options.store.acceptDelivery({
    provider: result.provider,
    deliveryId: result.deliveryId,
    event: result.event,
    hints: result.hints,
    receivedBy: options.receivedBy,
    ...(queueFor === undefined ? {} : { queueFor }),
  });
  if (!fresh) {
    options.log.info({ provider: result.provider, deliveryId: result.deliveryId }, `webhook from ${provider.title} is a re-delivery; ignored`);
    return reply.code(202).send({ accepted: true, deliveryId: result.deliveryId, hints: result.hints.length, duplicate: true } satisfies WebhookReply);
  }
  options.log.info(summary(result), `webhook from ${provider.title}: ${result.event}, ${result.hints.length} hint(s)`);
  if (result.hints.length > 0 && queueFor === undefined)
    options.onHints(result.hints, { provider: result.provider, deliveryId: result.deliveryId, event: result.event });
  return reply.code(202).send({ accepted: true, deliveryId: result.deliveryId, hints: result.hints.length } satisfies WebhookReply);
}

function summary(result: Accepted): Record<string, unknown> {
  const hints = result.hints.map((hint) =>
    hint.kind === "git"
      ? `git ${hint.source ?? hint.repo[0] ?? "?"}${hint.branch === undefined ? "" : `@${hint.branch}`}${hint.commit === undefined ? "" : ` ${hint.commit.slice(0, 12)}`}`
      : `image ${hint.repository}${hint.tag === undefined ? "" : `:${hint.tag}`}${hint.digest === undefined ? "" : `@${hint.digest}`}`,
  );
  return { provider: result.provider, deliveryId: result.deliveryId, event: result.event, hints, ...(result.notes.length > 0 ? { notes: result.notes } : {}) };
}

function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, options: WebhookRoutesOptions): FastifyReply {
  const status = error.statusCode ?? 500;
  if (status === 413) {
    const reason = `the body is larger than controller.max_body (${options.maxBody} bytes)`;
    options.log.warn({ status, reason, ip: request.ip }, "webhook refused");
    return reply.code(413).send({ error: reason });
  }
  if (status < 500) {
    const reason = status === 415 ? "the request has no usable Content-Type; send the body as application/json" : error.message;
    options.log.warn({ status, reason, ip: request.ip }, "webhook refused");
    return reply.code(status).send({ error: reason });
  }
  options.log.error({ err: error }, "webhook failed");
  return reply.code(500).send({ error: "the webhook could not be handled; see the controller log" });
}
