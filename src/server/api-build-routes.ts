import type { FastifyInstance } from "fastify";
import { buildImages, latestImage, planImages } from "../app/index.js";
import { apiErrorJson, statusOf } from "./api-errors.js";
import type { RouteDeps } from "./route-deps.js";
import { buildBody, planQuery } from "./api-schemas.js";
import { parseRequest } from "./api-validate.js";

/** GET /api/v1/plan, POST /api/v1/builds, GET /api/v1/images/:name/latest. */
export function registerBuildRoutes(api: FastifyInstance, deps: RouteDeps): void {
  const { context } = deps;

  api.get("/api/v1/plan", async (request) => {
    const query = parseRequest(planQuery, request.query, "query", "GET /api/v1/plan");
    return planImages(context, { images: query.images, ...(query.env === undefined ? {} : { env: query.env }) });
  });

  api.post("/api/v1/builds", async (request, reply) => {
    const body = parseRequest(buildBody, request.body ?? {}, "body", "POST /api/v1/builds");
    const run = await buildImages(
      context,
      {
        images: body.images ?? [],
        push: body.push === true,
        force: body.force === true,
        jobs: body.jobs ?? 2,
        noCache: body.noCache === true,
        ...(body.env === undefined ? {} : { env: body.env }),
      },
      { onOutcome: (outcome) => deps.log.info({ image: outcome.image, outcome: outcome.outcome }, "build outcome") },
    );
    const answer = { ...run.report, plan: run.plan };
    if (run.failure === undefined) return reply.code(200).send(answer);
    return reply.code(statusOf(run.failure)).send({ error: apiErrorJson(run.failure), ...answer });
  });

  api.get<{ Params: { name: string }; Querystring: { environment?: string } }>("/api/v1/images/:name/latest", async (request) =>
    latestImage(context, request.params.name, typeof request.query.environment === "string" ? request.query.environment : undefined),
  );
}
