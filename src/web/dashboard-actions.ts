import type { FastifyInstance, FastifyRequest } from "fastify";
import { approveHeld, gateDeps, parseHeldId, rejectHeld, requestDeploy, rollbackService, takeDown, type AppContext, type Attempt } from "../app/index.js";
import { isSlipwayError } from "../errors/index.js";
import type { JobScheduler } from "../jobs/index.js";
import { runKeyed } from "../server/api-queue.js";
import { redactText } from "../util/secret.js";
import type { WorkQueue } from "../util/work-queue.js";
import type { Viewer } from "./layout.js";
import { servicePath } from "./layout.js";

export interface DashboardActionDeps {
  readonly context: AppContext;
  /** The controller's work queue: an action runs under its service's key, as the API's do. */
  readonly queue?: WorkQueue;
  readonly jobs?: Pick<JobScheduler, "runNow">;
  readonly triggerPipelines: (source: string, branch: string, trigger: string) => readonly { environment: string; outcome: string }[];
  /** The controller's: look at the held deploys now (one was approved). */
  readonly onHeldChange?: () => void;
}

interface ActionTools extends DashboardActionDeps {
  readonly viewerOf: (request: FastifyRequest) => Viewer;
  readonly flash: (request: FastifyRequest, kind: "ok" | "error", text: string) => void;
}

/** How long an action's answer waits for it: one that fails at once (an image that does not exist) says so on the page it returns to; a longer one shows its steps arriving there. */
const SETTLE_MS = 500;

type Settled<T> = { state: "done"; value: T } | { state: "failed"; error: unknown } | { state: "running" };

async function settle<T>(work: Promise<T>, ms = SETTLE_MS): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const running = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: "running" }), ms);
  });
  const outcome = work.then(
    (value): Settled<T> => ({ state: "done", value }),
    (error: unknown): Settled<T> => ({ state: "failed", error }),
  );
  try {
    return await Promise.race([outcome, running]);
  } finally {
    clearTimeout(timer);
  }
}

/** A failure in words for the page: a SlipwayError's message and what to do; anything else points at the log. */
function failureText(error: unknown): string {
  if (isSlipwayError(error)) return redactText(`${error.message}${error.hint === undefined ? "" : ` (${error.hint})`}`);
  return "Slipway hit a bug; the controller's log has the details";
}

function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * The dashboard's actions (POST, behind the session, form token and read-only checks of
 * dashboard-server.ts): deploy, roll back, take down, run a job, start pipelines, approve or
 * reject a held deploy. Each is audited
 * with who did it, then runs through the same application functions and work queue as the API's.
 */
export function registerDashboardActions(app: FastifyInstance, tools: ActionTools): void {
  const { context } = tools;
  const log = (line: string): void => app.log.info(line);

  const serviceAction = async (
    request: FastifyRequest<{ Params: { service: string; environment: string } }>,
    verb: string,
    detail: Record<string, unknown>,
    work: (actor: string) => Promise<Attempt<{ status: string; revision: number }>>,
  ): Promise<string> => {
    const { service, environment } = request.params;
    const actor = tools.viewerOf(request).name;
    await context.store.appendAudit({ actor, action: `dashboard.${verb}`, subject: service, detail: { environment, ...detail } });
    const outcome = await settle(
      runKeyed(tools.queue, `service:${service}@${environment}`, `${verb} ${service} (${environment}) from the dashboard`, () => work(actor)),
    );
    if (outcome.state === "running") tools.flash(request, "ok", `${verb} of ${service} in ${environment} started; its steps appear below as they run.`);
    else if (outcome.state === "failed") tools.flash(request, "error", `${verb} of ${service} in ${environment} failed: ${failureText(outcome.error)}`);
    else if (!outcome.value.ok) tools.flash(request, "error", `${verb} of ${service} in ${environment} failed: ${failureText(outcome.value.error)}`);
    else tools.flash(request, "ok", `${verb} of ${service} in ${environment}: ${outcome.value.value.status}, revision ${outcome.value.value.revision}.`);
    return servicePath(service, environment);
  };

  app.post<{ Params: { service: string; environment: string } }>("/services/:service/:environment/deploy", async (request, reply) => {
    const image = field(request.body, "image");
    const { service, environment } = request.params;
    const back = await serviceAction(request, "deploy", image === undefined ? {} : { image }, (actor) =>
      requestDeploy(context, { service, environment, ...(image === undefined ? {} : { image }), trigger: "dashboard", requestedBy: actor }, log),
    );
    return reply.code(303).header("location", back).send();
  });

  app.post<{ Params: { service: string; environment: string } }>("/services/:service/:environment/rollback", async (request, reply) => {
    const to = field(request.body, "to");
    const { service, environment } = request.params;
    const back = await serviceAction(request, "rollback", to === undefined ? {} : { to }, (actor) =>
      rollbackService(context, { service, environment, ...(to === undefined ? {} : { to }) }, log, actor),
    );
    return reply.code(303).header("location", back).send();
  });

  app.post<{ Params: { service: string; environment: string } }>("/services/:service/:environment/down", async (request, reply) => {
    const { service, environment } = request.params;
    const back = await serviceAction(request, "down", {}, () => takeDown(context, { service, environment, trigger: "dashboard" }, log));
    return reply.code(303).header("location", back).send();
  });

  app.post<{ Params: { job: string } }>("/jobs/:job/runs", async (request, reply) => {
    const { job } = request.params;
    const actor = tools.viewerOf(request).name;
    if (context.loaded.config.jobs[job] === undefined || tools.jobs === undefined) {
      tools.flash(request, "error", `There is no job ${job} here.`);
      return reply.code(303).header("location", "/jobs").send();
    }
    await context.store.appendAudit({ actor, action: "dashboard.job-run", subject: job, detail: {} });
    const outcome = await settle(tools.jobs.runNow(job, "dashboard"));
    if (outcome.state === "running") tools.flash(request, "ok", `${job} started; its run appears below.`);
    else if (outcome.state === "failed") tools.flash(request, "error", `${job} could not run: ${failureText(outcome.error)}`);
    else
      tools.flash(
        request,
        outcome.value.status === "failed" ? "error" : "ok",
        `${job} run #${outcome.value.id}: ${outcome.value.status}${outcome.value.exitCode === undefined ? "" : ` (exit ${outcome.value.exitCode})`}.`,
      );
    return reply.code(303).header("location", "/jobs").send();
  });

  app.post<{ Params: { id: string; verdict: string } }>("/held/:id/:verdict", async (request, reply) => {
    const { verdict } = request.params;
    if (verdict !== "approve" && verdict !== "reject") return reply.code(404).send();
    const actor = tools.viewerOf(request).name;
    await context.store.appendAudit({ actor, action: `dashboard.${verdict}`, subject: `held:${request.params.id}`, detail: {} });
    try {
      const id = parseHeldId(request.params.id);
      const held = verdict === "approve" ? await approveHeld(gateDeps(context), id, actor) : await rejectHeld(gateDeps(context), id, actor);
      if (verdict === "approve") tools.onHeldChange?.();
      tools.flash(
        request,
        "ok",
        `Held deploy #${held.id} of ${held.service} (${held.environment}): ${held.status}${held.waiting === undefined ? "" : `, ${held.waiting}`}.`,
      );
    } catch (error) {
      tools.flash(request, "error", `The ${verdict} of held deploy ${request.params.id} was refused: ${failureText(error)}`);
    }
    return reply.code(303).header("location", "/updates").send();
  });

  app.post("/pipelines", async (request, reply) => {
    const source = field(request.body, "source");
    const declared = source === undefined ? undefined : context.loaded.config.sources[source];
    if (source === undefined || declared === undefined) {
      tools.flash(request, "error", `There is no source ${source ?? ""} in slipway.yml.`);
      return reply.code(303).header("location", "/pipelines").send();
    }
    const branch = field(request.body, "branch") ?? declared.branch;
    const actor = tools.viewerOf(request).name;
    await context.store.appendAudit({ actor, action: "dashboard.pipeline", subject: source, detail: { branch } });
    try {
      const queued = tools.triggerPipelines(source, branch, "dashboard");
      tools.flash(
        request,
        "ok",
        queued.length === 0
          ? `No environment builds ${source}@${branch}.`
          : `Pipelines of ${source}@${branch}: ${queued.map((q) => `${q.environment} ${q.outcome}`).join(", ")}.`,
      );
    } catch (error) {
      tools.flash(request, "error", `Pipelines of ${source}@${branch} did not start: ${failureText(error)}`);
    }
    return reply.code(303).header("location", "/pipelines").send();
  });
}
