export type { ApiDeps, RouteDeps } from "./route-deps.js";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../app/index.js";
import type { ApiDeps, RouteDeps } from "./route-deps.js";
import { registerBuildRoutes } from "./api-build-routes.js";
import { registerDeployRoutes } from "./api-deploy-routes.js";
import { registerJobRoutes } from "./api-job-routes.js";
import { registerPipelineRoutes } from "./api-pipeline-routes.js";
import { registerPolicyRoutes } from "./api-policy-routes.js";

/**
 * The HTTP API: everything the CLI does, under /api/v1 (the server's onRequest hook requires
 * a bearer token there). Bodies and queries are validated (API_BAD_REQUEST, 400, naming each
 * problem); a SlipwayError answers `{ error: { code, message, hint?, details? } }` with the
 * status its kind implies (the server's error handler, src/server/http-server.ts). See docs/api.md.
 */
export function registerApiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const context: AppContext = {
    loaded: deps.loaded,
    stateDir: deps.stateDir,
    store: deps.store,
    engine: deps.engineFor ?? (() => Promise.resolve(deps.engine)),
    ...(deps.notify === undefined ? {} : { notify: deps.notify }),
  };
  const routeDeps: RouteDeps = { ...deps, context };
  void app.register(async (api) => {
    registerDeployRoutes(api, routeDeps);
    registerBuildRoutes(api, routeDeps);
    registerPipelineRoutes(api, routeDeps);
    registerJobRoutes(api, routeDeps);
    registerPolicyRoutes(api, routeDeps);
  });
}
