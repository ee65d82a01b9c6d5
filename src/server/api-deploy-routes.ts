import type { FastifyInstance, FastifyReply } from "fastify";
import {
  requestDeploy,
  deployTarget,
  promoteService,
  reconcileServices,
  rollbackService,
  serviceHistory,
  serviceStatus,
  takeDown,
  type Attempt,
} from "../app/index.js";
import { chooseEnvironment } from "../deploy/index.js";
import { errorReply } from "./api-errors.js";
import { runKeyed } from "./api-queue.js";
import type { RouteDeps } from "./route-deps.js";
import { deploymentBody, downBody, historyQuery, promotionBody, reconcileBody, rollbackBody } from "./api-schemas.js";
import { parseRequest } from "./api-validate.js";

/** GET /api/v1/status, GET /api/v1/services/:service/history, POST /api/v1/deployments, /rollbacks, /promotions, /reconcile, /services/:service/down. */
export function registerDeployRoutes(api: FastifyInstance, deps: RouteDeps): void {
  const { context, loaded } = deps;

  api.get("/api/v1/status", async () => serviceStatus(context));

  api.get<{ Params: { service: string } }>("/api/v1/services/:service/history", async (request) => {
    const query = parseRequest(historyQuery, request.query, "query", "GET /api/v1/services/:service/history");
    const environment = chooseEnvironment(loaded.config, query.environment);
    const entries = await serviceHistory(context, { service: request.params.service, environment, limit: query.limit ?? 20 });
    const deployments = query.logs === true ? entries : entries.map(({ log: _log, ...entry }) => entry);
    return { service: request.params.service, environment, deployments };
  });

  api.post("/api/v1/deployments", async (request, reply) => {
    const body = parseRequest(deploymentBody, request.body, "body", "POST /api/v1/deployments");
    const { service, environment } = deployTarget(loaded.config, body.service, body.environment);
    const log = (line: string): void => deps.log.info({ service, environment }, line);
    const attempt = await runKeyed(deps.queue, `service:${service}@${environment}`, `deploy ${service} (${environment}) from the API`, () =>
      requestDeploy(context, { ...body, service, environment, trigger: "api", requestedBy: request.actor ?? "api" }, log),
    );
    return answer(reply, attempt);
  });

  api.post("/api/v1/rollbacks", async (request, reply) => {
    const body = parseRequest(rollbackBody, request.body, "body", "POST /api/v1/rollbacks");
    const environment = chooseEnvironment(loaded.config, body.environment);
    const log = (line: string): void => deps.log.info({ service: body.service, environment }, line);
    const attempt = await runKeyed(deps.queue, `service:${body.service}@${environment}`, `roll back ${body.service} (${environment}) from the API`, () =>
      rollbackService(context, { ...body, environment }, log, request.actor ?? "api"),
    );
    return answer(reply, attempt);
  });

  api.post("/api/v1/promotions", async (request, reply) => {
    const body = parseRequest(promotionBody, request.body, "body", "POST /api/v1/promotions");
    const { service, environment } = deployTarget(loaded.config, body.service, body.to);
    const log = (line: string): void => deps.log.info({ service, environment }, line);
    const attempt = await runKeyed(deps.queue, `service:${service}@${environment}`, `promote ${service} from ${body.from} to ${environment} from the API`, () =>
      promoteService(context, { ...body, service, to: environment, trigger: `promote:${body.from}` }, log, request.actor ?? "api"),
    );
    return answer(reply, attempt);
  });

  api.post<{ Params: { service: string } }>("/api/v1/services/:service/down", async (request, reply) => {
    const body = parseRequest(downBody, request.body ?? {}, "body", "POST /api/v1/services/:service/down");
    const { service, environment } = deployTarget(loaded.config, request.params.service, body.environment);
    const log = (line: string): void => deps.log.info({ service, environment }, line);
    const attempt = await runKeyed(deps.queue, `service:${service}@${environment}`, `take ${service} (${environment}) down from the API`, () =>
      takeDown(context, { service, environment, trigger: "api", ...(body.dryRun === true ? { dryRun: true } : {}) }, log),
    );
    return answer(reply, attempt);
  });

  api.post("/api/v1/reconcile", async (request) => {
    const body = parseRequest(reconcileBody, request.body ?? {}, "body", "POST /api/v1/reconcile");
    return reconcileServices(context, body, (line) => deps.log.info(line));
  });
}

/** The outcome (200; 202 for a deploy held by its environment's policy), or the error JSON with the deployment record the failure left. */
function answer<T>(reply: FastifyReply, attempt: Attempt<T>): FastifyReply {
  if (attempt.ok) return reply.code(isQueued(attempt.value) ? 202 : 200).send(attempt.value);
  const known = errorReply(attempt.error);
  if (known === undefined) throw attempt.error;
  return reply.code(known.status).send({ ...known.body, ...(attempt.deployment === undefined ? {} : { deployment: attempt.deployment }) });
}

function isQueued(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { status?: unknown }).status === "queued";
}
