import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { SlipwayError } from "../errors/index.js";
import { apiErrorJson, errorReply, statusOf } from "./api-errors.js";
import type { Store } from "../store/index.js";
import { version } from "../util/version.js";
import { authenticate, tokenInQuery } from "./tokens.js";
import { loggedPath } from "./logged-path.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The name of the API token that authenticated the request: who acts, in audits and approvals. */
    actor?: string;
  }
}

export interface HttpServerOptions {
  readonly store: Store;
  /** Structured logs (pino, one JSON object per line); false for none. */
  readonly logger: boolean | { level: string; stream?: NodeJS.WritableStream };
  /** What /healthz reports beyond "ok". */
  readonly health: () => Record<string, unknown>;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit: number;
}

/**
 * The controller's HTTP server: /healthz for probes, /hooks/* for webhooks (each verifies its
 * own signature), and /api/v1/* behind bearer tokens (a read-only token may only GET and HEAD
 * there: anything else answers 403 API_FORBIDDEN). Errors answer as JSON
 * `{ error: { code, message, hint? } }` with the status their kind implies.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: options.logger === true ? "info" : options.logger.level,
            ...(options.logger !== true && options.logger.stream !== undefined ? { stream: options.logger.stream } : {}),
            redact: ["req.headers.authorization", 'req.headers["x-gitlab-token"]'],
            // The path only: a query string may carry what must not be logged (a token sent as ?token=).
            serializers: {
              req: (request: { method: string; url: string; ip?: string }) => ({
                method: request.method,
                url: loggedPath(request.url),
                remoteAddress: request.ip,
              }),
            },
          },
    bodyLimit: options.bodyLimit,
  });

  app.get("/healthz", async () => ({ ok: true, version, ...options.health() }));

  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/api/")) return;
    const inQuery = tokenInQuery(request.url);
    if (inQuery !== undefined) {
      return refuse(
        reply,
        new SlipwayError("API_UNAUTHORIZED", `a token in the URL (${inQuery}) is refused: URLs end up in logs, proxies and shell histories`, {
          hint: "send it in the Authorization: Bearer <token> header only; revoke a token that was sent in a URL (slipway token revoke NAME) and create another",
        }),
      );
    }
    const token = await authenticate(options.store, request.headers.authorization);
    if (token === undefined) {
      return refuse(
        reply,
        new SlipwayError("API_UNAUTHORIZED", "a valid bearer token is required", {
          hint: "create one with: slipway token create NAME, and send Authorization: Bearer <token>",
        }),
      );
    }
    request.actor = token.name;
    request.log.info({ token: token.name }, "authenticated");
    if (token.readOnly && !READ_METHODS.has(request.method)) {
      request.log.info({ token: token.name, method: request.method }, "read-only token refused");
      return refuse(
        reply,
        new SlipwayError("API_FORBIDDEN", `the token ${token.name} is read-only: it can see and cannot act`, {
          hint: "use a token created without --read-only",
        }),
      );
    }
    return undefined;
  });

  // Fastify's own 404 logs the URL with its query; this one answers as it does, naming the path only.
  app.setNotFoundHandler(async (request, reply) => {
    const path = loggedPath(request.url);
    request.log.info({ method: request.method, url: path }, "no such route");
    return reply.code(404).send({ message: `Route ${request.method}:${path} not found`, error: "Not Found", statusCode: 404 });
  });

  app.setErrorHandler(async (error, request, reply) => {
    const known = errorReply(error);
    if (known !== undefined) {
      request.log.warn({ code: known.body.error.code }, known.body.error.message);
      return reply.code(known.status).send(known.body);
    }
    const fastifyError = error as { statusCode?: number; message?: string; code?: string };
    if (typeof fastifyError.statusCode === "number" && fastifyError.statusCode < 500) {
      return reply.code(fastifyError.statusCode).send({ error: { code: fastifyError.code ?? "BAD_REQUEST", message: fastifyError.message ?? "bad request" } });
    }
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({ error: { code: "INTERNAL", message: "Slipway hit a bug; the controller's log has the details" } });
  });

  return app;
}

/** What a read-only token may do under /api/: look. */
const READ_METHODS = new Set(["GET", "HEAD"]);

/** 401 (with the Bearer challenge) for a token that is missing or refused; 403 for one that may not do this. */
async function refuse(reply: FastifyReply, error: SlipwayError): Promise<FastifyReply> {
  const status = statusOf(error);
  if (status === 401) reply.header("www-authenticate", 'Bearer realm="slipway"');
  await reply.code(status).send({ error: apiErrorJson(error) });
  return reply;
}
