import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { AppContext } from "../app/index.js";
import type { LoadedConfig } from "../config/index.js";
import type { WorkQueue } from "../controller/work-queue.js";
import type { Engine } from "../engine/index.js";
import type { JobScheduler } from "../jobs/index.js";
import type { NotifyEventInput } from "../notify/index.js";
import type { Store } from "../store/index.js";
import { registerBuildRoutes } from "./api-build-routes.js";
import { registerDeployRoutes } from "./api-deploy-routes.js";
import { registerJobRoutes } from "./api-job-routes.js";
import { registerPipelineRoutes } from "./api-pipeline-routes.js";

export interface ApiDeps {
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  readonly store: Store;
  readonly engine: Engine;
  /** The controller's work queue: deployments and rollbacks run under the key service:<name>@<env>. Without one they run at once. */
  readonly queue?: WorkQueue;
  /** The controller's: queues the pipelines a commit on source@branch starts. */
  readonly triggerPipelines: (source: string, branch: string, trigger: string) => readonly { environment: string; outcome: string }[];
  readonly log: Pick<FastifyBaseLogger, "info" | "warn" | "error">;
  /** The controller's notifier: API deployments, rollbacks and builds are announced like the controller's own. */
  readonly notify?: (event: NotifyEventInput) => void;
  /** The controller's job scheduler, for one-off runs under each job's overlap rule. */
  readonly jobs?: Pick<JobScheduler, "runNow" | "next">;
}

/** What each group of routes is given. */
export interface RouteDeps extends ApiDeps {
  readonly context: AppContext;
}

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
    engine: () => Promise.resolve(deps.engine),
    ...(deps.notify === undefined ? {} : { notify: deps.notify }),
  };
  const routeDeps: RouteDeps = { ...deps, context };
  void app.register(async (api) => {
    registerDeployRoutes(api, routeDeps);
    registerBuildRoutes(api, routeDeps);
    registerPipelineRoutes(api, routeDeps);
    registerJobRoutes(api, routeDeps);
  });
}
