import { readFile } from "node:fs/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../app/index.js";
import { jobLogDir, jobLogFiles } from "../jobs/index.js";
import { html } from "./html.js";
import type { Render } from "./dashboard-server.js";
import { loadGraph, renderGraph, renderImageBuilds } from "./graph-page.js";
import { loadJobs, renderJobRun, renderJobs } from "./jobs-page.js";
import { loadOverview, renderOverview } from "./overview.js";
import { loadPipelineRun, loadPipelines, renderPipelineRun, renderPipelines } from "./pipelines-page.js";
import { loadRevisions, loadServicePage, renderRollbackConfirm, renderServicePage } from "./service-page.js";
import { serviceTopic } from "./event-topics.js";
import { loadUpdates, renderUpdates } from "./updates-page.js";

export interface PageDeps {
  readonly context: AppContext;
  readonly nextRun: (job: string) => Date | undefined;
  readonly show: (request: FastifyRequest, reply: FastifyReply, render: Render) => Promise<FastifyReply>;
}

const notFound: Render = async () => ({
  title: "Not found",
  section: "none",
  body: html`<h1>Not found</h1>
    <p><a href="/">The overview</a></p>`,
});

function positive(text: unknown): number | undefined {
  return typeof text === "string" && /^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined;
}

/** Whether slipway.yml has this service in this environment. */
function declared(context: AppContext, service: string, environment: string): boolean {
  const definition = context.loaded.config.services[service];
  if (definition === undefined) return false;
  const environments = Object.keys(context.loaded.config.environments);
  if (environments.length === 0 ? environment !== "default" : !environments.includes(environment)) return false;
  return definition.environments === undefined || definition.environments.includes(environment);
}

/** The output of one job run: its section of the job's log files, found by the header written when it started. */
export async function jobRunLog(stateDir: string, job: string, startedAt: Date, files = 5): Promise<string | undefined> {
  const header = new RegExp(`^=== (\\S+) job ${job.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} `);
  for (const path of jobLogFiles(jobLogDir(stateDir), job, files)) {
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const lines = text.split("\n");
    let start = -1;
    for (let i = 0; i < lines.length; i++) {
      const at = header.exec(lines[i] ?? "")?.[1];
      if (at !== undefined && Math.abs(new Date(at).getTime() - startedAt.getTime()) < 5000) start = i;
      else if (at !== undefined && start !== -1) return lines.slice(start, i).join("\n");
    }
    if (start !== -1) return lines.slice(start).join("\n");
  }
  return undefined;
}

/** The dashboard's pages (GET); the actions are in dashboard-actions.ts. */
export function registerDashboardPages(app: FastifyInstance, deps: PageDeps): void {
  const { context, show } = deps;

  app.get("/", (request, reply) =>
    show(request, reply, async () => ({ title: "Overview", section: "overview", topics: ["overview"], body: renderOverview(await loadOverview(context)) })),
  );

  app.get<{ Params: { service: string; environment: string }; Querystring: { from?: string; to?: string } }>(
    "/services/:service/:environment",
    (request, reply) => {
      const { service, environment } = request.params;
      if (!declared(context, service, environment)) return show(request, reply.code(404), notFound);
      const from = positive(request.query.from);
      const to = positive(request.query.to);
      return show(request, reply, async (viewer) => ({
        title: `${service} in ${environment}`,
        section: "overview",
        topics: [serviceTopic(service, environment)],
        body: renderServicePage(
          await loadServicePage(context, service, environment, from === undefined || to === undefined ? undefined : { from, to }),
          viewer,
        ),
      }));
    },
  );

  app.get<{ Params: { service: string; environment: string }; Querystring: { to?: string } }>(
    "/services/:service/:environment/rollback",
    async (request, reply) => {
      const { service, environment } = request.params;
      const to = positive(request.query.to);
      const target = to === undefined || !declared(context, service, environment) ? undefined : await context.store.getRevision(service, environment, to);
      if (target === undefined) return show(request, reply.code(404), notFound);
      return show(request, reply, async (viewer) => ({
        title: `Roll back ${service}`,
        section: "overview",
        body: renderRollbackConfirm(await loadRevisions(context, service, environment), target, viewer),
      }));
    },
  );

  app.get("/graph", (request, reply) =>
    show(request, reply, async () => ({ title: "Build graph", section: "graph", topics: ["builds"], body: renderGraph(await loadGraph(context)) })),
  );

  app.get<{ Params: { image: string } }>("/images/:image", (request, reply) => {
    const { image } = request.params;
    if (context.loaded.config.images[image] === undefined) return show(request, reply.code(404), notFound);
    return show(request, reply, async () => ({
      title: `Builds of ${image}`,
      section: "graph",
      topics: [`image:${image}`],
      body: renderImageBuilds(image, await context.store.listBuilds({ image, limit: 30 })),
    }));
  });

  app.get<{ Querystring: { environment?: string } }>("/pipelines", (request, reply) => {
    const environment = typeof request.query.environment === "string" && request.query.environment !== "" ? request.query.environment : undefined;
    return show(request, reply, async (viewer) => ({
      title: "Pipelines",
      section: "pipelines",
      topics: ["pipelines"],
      body: renderPipelines(await loadPipelines(context, environment), viewer),
    }));
  });

  app.get<{ Params: { id: string } }>("/pipelines/:id", async (request, reply) => {
    const id = positive(request.params.id);
    const data = id === undefined ? undefined : await loadPipelineRun(context, id);
    if (data === undefined) return show(request, reply.code(404), notFound);
    return show(request, reply, async () => ({
      title: `Pipeline run #${data.run.id}`,
      section: "pipelines",
      topics: [`pipeline:${data.run.id}`, "builds"],
      body: renderPipelineRun(data),
    }));
  });

  app.get("/jobs", (request, reply) =>
    show(request, reply, async (viewer) => ({
      title: "Jobs",
      section: "jobs",
      topics: ["jobs"],
      body: renderJobs(await loadJobs(context, deps.nextRun), viewer),
    })),
  );

  app.get<{ Params: { job: string; id: string } }>("/jobs/:job/runs/:id", async (request, reply) => {
    const id = positive(request.params.id);
    const run = id === undefined ? undefined : (await context.store.listJobRuns({ job: request.params.job, limit: 1000 })).find((r) => r.id === id);
    if (run === undefined || context.loaded.config.jobs[run.job] === undefined) return show(request, reply.code(404), notFound);
    return show(request, reply, async () => ({
      title: `${run.job} run #${run.id}`,
      section: "jobs",
      body: renderJobRun(run, await jobRunLog(context.stateDir, run.job, run.startedAt)),
    }));
  });

  app.get("/updates", (request, reply) =>
    show(request, reply, async (viewer) => ({
      title: "Auto-updates",
      section: "updates",
      topics: ["updates"],
      body: renderUpdates(await loadUpdates(context), viewer),
    })),
  );
}
