import type { FastifyInstance } from "fastify";
import { toWire } from "../app/index.js";
import { jobNotFound } from "../jobs/index.js";
import type { RouteDeps } from "./route-deps.js";

/**
 * GET /api/v1/jobs (each job's schedule, next run and last run), POST /api/v1/jobs/:name/runs
 * (a one-off run under the job's overlap rule; answers when it has finished) and
 * GET /api/v1/jobs/:name/runs (its history, newest first).
 */
export function registerJobRoutes(api: FastifyInstance, deps: RouteDeps): void {
  const { store, loaded } = deps;
  const known = (name: string): void => {
    if (loaded.config.jobs[name] === undefined) throw jobNotFound(name, Object.keys(loaded.config.jobs));
  };

  api.get("/api/v1/jobs", async () =>
    Promise.all(
      Object.entries(loaded.config.jobs).map(async ([name, job]) => {
        const [last] = await store.listJobRuns({ job: name, limit: 1 });
        return {
          name,
          schedule: job.schedule,
          image: job.image,
          overlap: job.overlap,
          next: deps.jobs?.next(name)?.toISOString() ?? null,
          last: last === undefined ? null : toWire(last),
        };
      }),
    ),
  );

  api.post<{ Params: { name: string } }>("/api/v1/jobs/:name/runs", async (request) => {
    known(request.params.name);
    if (deps.jobs === undefined) throw jobNotFound(request.params.name, []);
    return toWire(await deps.jobs.runNow(request.params.name, "api"));
  });

  api.get<{ Params: { name: string }; Querystring: { limit?: string } }>("/api/v1/jobs/:name/runs", async (request) => {
    known(request.params.name);
    const limit = Math.min(Math.max(Number(request.query.limit ?? 20) || 20, 1), 1000);
    return toWire(await store.listJobRuns({ job: request.params.name, limit }));
  });
}
