import type { FastifyInstance } from "fastify";
import { toWire } from "../app/index.js";
import { SlipwayError } from "../errors/index.js";
import { validateBranch } from "../sources/index.js";
import type { RouteDeps } from "./route-deps.js";
import { pipelineBody, pipelineParams, pipelinesQuery } from "./api-schemas.js";
import { parseRequest } from "./api-validate.js";

/** POST /api/v1/pipelines, GET /api/v1/pipelines, GET /api/v1/pipelines/:id, GET /api/v1/tokens. */
export function registerPipelineRoutes(api: FastifyInstance, deps: RouteDeps): void {
  const { store, loaded } = deps;

  api.post("/api/v1/pipelines", async (request, reply) => {
    const body = parseRequest(pipelineBody, request.body, "body", "POST /api/v1/pipelines");
    const declared = loaded.config.sources[body.source];
    if (declared === undefined) {
      const known = Object.keys(loaded.config.sources);
      throw new SlipwayError("SOURCE_NOT_FOUND", `there is no source "${body.source}" in slipway.yml`, {
        hint: known.length === 0 ? "declare it under sources:" : `sources: ${known.join(", ")}`,
      });
    }
    const branch = body.branch ?? declared.branch;
    validateBranch(branch);
    const queued = deps.triggerPipelines(body.source, branch, "api");
    return reply.code(202).send({ source: body.source, branch, queued });
  });

  api.get("/api/v1/pipelines", async (request) => {
    const query = parseRequest(pipelinesQuery, request.query, "query", "GET /api/v1/pipelines");
    return toWire(await store.listPipelineRuns({ ...(query.environment === undefined ? {} : { environment: query.environment }), limit: query.limit ?? 20 }));
  });

  api.get("/api/v1/pipelines/:id", async (request) => {
    const { id } = parseRequest(pipelineParams, request.params, "params", "GET /api/v1/pipelines/:id");
    const run = await store.getPipelineRun(id);
    if (run === undefined) throw new SlipwayError("PIPELINE_NOT_FOUND", `there is no pipeline run ${id}`, { hint: "GET /api/v1/pipelines lists the runs" });
    return { run: toWire(run), steps: toWire(await store.listPipelineSteps(id)) };
  });

  api.get("/api/v1/tokens", async () =>
    (await store.listTokens()).map((t) => ({
      name: t.name,
      scope: t.readOnly ? "read-only" : "full",
      createdAt: t.createdAt.toISOString(),
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    })),
  );
}
