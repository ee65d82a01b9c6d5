import { createReconcileLoop } from "./reconcile-loop.js";
import { createHeldLoop, type HeldLoop } from "./held-loop.js";
import type { FastifyInstance } from "fastify";
import type { LoadedConfig } from "../config/index.js";
import { SlipwayError } from "../errors/index.js";
import type { JobScheduler } from "../jobs/index.js";
import { connectEngine, type Engine } from "../engine/index.js";
import { engineSource, pipelineNotice } from "../app/index.js";
import { createNotifier } from "../notify/index.js";
import { createHttpServer } from "../server/http-server.js";
import { registerApiRoutes } from "../server/api-routes.js";
import { observeStore } from "../store/store-events.js";
import { createDashboard } from "../web/dashboard-server.js";
import { createEventHub } from "../web/event-hub.js";
import { registerWebhookRoutes, type Hint, type HintMeta } from "../webhooks/index.js";
import { routeHints } from "./hint-router.js";
import { registryPoolFor } from "../builder/registry-reader.js";
import { createAutoUpdates, type AutoUpdates } from "./auto-updates.js";
import { scheduleJobs } from "./job-schedule.js";
import { sourcePollers } from "./source-pollers.js";
import type { Leadership, Store } from "../store/index.js";
import type { NotifyEventInput } from "../notify/index.js";
import { startInboxLoop } from "./inbox-loop.js";
import { controllerId, deadLocalHolder, electLeader, leadAlone, leadershipName, type LeaderWork } from "./leadership.js";
import { runPipeline, type PipelineEvent } from "./pipeline.js";
import { pipelinesFor, watchedBranches } from "./pipeline-targets.js";
import { createWorkQueue, WorkCancelled, type SubmitOutcome, type WorkQueue } from "../util/work-queue.js";

/** How often held deploys are decided again: a window that opens is taken within this time. */
const HELD_INTERVAL_MS = 5_000;

/** What the term this controller leads runs, for the parts that reach into it. */
interface TermWork {
  readonly store: Store;
  readonly scheduler: JobScheduler;
  readonly held: HeldLoop;
  readonly updates: AutoUpdates;
}

export interface ControllerOptions {
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  readonly store: Store;
  readonly engine: Engine;
  readonly listen: { readonly host: string; readonly port: number };
  readonly logger: boolean | { level: string; stream?: NodeJS.WritableStream };
  /** Work items (pipelines, updates) at once; one per key always. */
  readonly concurrency?: number;
  readonly bodyLimit?: number;
  readonly onPipelineEvent?: (event: PipelineEvent) => void;
  /** The web dashboard, on a port of its own (src/web); none when absent. */
  readonly dashboard?: { readonly listen: { readonly host: string; readonly port: number }; readonly sessionTtlMs: number };
}

export interface Controller {
  /** http://host:port the server listens on. */
  readonly url: string;
  /** http://host:port the dashboard listens on, when it runs. */
  readonly dashboardUrl?: string;
  readonly app: FastifyInstance;
  readonly queue: WorkQueue;
  readonly jobs: JobScheduler;
  /** Queues the pipelines a new commit on source@branch starts; returns what was queued. */
  /**
   * Starts the pipelines a commit on source@branch starts. `commit` (from a webhook or poller)
   * lets a burst for one commit start one run; `supersede: false` never cancels a running run.
   */
  triggerPipelines(
    source: string,
    branch: string,
    trigger: string,
    hint?: { commit?: string; supersede?: boolean },
  ): { environment: string; outcome: SubmitOutcome | "already-running" }[];
  /** Re-checks everything: every watched branch's pipelines (a no-op plan when nothing changed). */
  recheck(trigger: string): void;
  /** Graceful stop: no new work, running work stops at its next safe point, the store stays consistent. */
  stop(): Promise<void>;
}

/**
 * `slipway serve`: the long-running controller. One process holds the store, the HTTP server,
 * the work queue and the schedulers; everything that changes state goes through the queue,
 * keyed so one environment's pipeline (or one service's update) runs at a time.
 */
export async function startController(options: ControllerOptions): Promise<Controller> {
  const { loaded } = options;
  const id = controllerId();
  // What the store records reaches open dashboard pages (src/web/event-hub.ts), whichever part of the controller wrote it.
  const hub = createEventHub(async (deployment) => {
    const found = await options.store.getDeployment(deployment);
    return found === undefined ? undefined : { service: found.service, environment: found.environment };
  });
  // …and, on a shared store, to the other controllers' pages (they hear it through watchChanges).
  const store = observeStore(options.store, (event) => {
    hub.publish(event);
    if (options.store.kind === "postgres") options.store.announce(event).catch(() => undefined);
  });
  const app = createHttpServer({
    store,
    logger: options.logger,
    bodyLimit: options.bodyLimit ?? loaded.config.controller?.max_body ?? 1024 * 1024,
    health: () => ({ queue: queue.snapshot(), controller: { id, leading: election.term() !== undefined, leader: election.leader()?.holder ?? null } }),
  });
  const log = app.log;
  const queue = createWorkQueue({
    concurrency: options.concurrency ?? 2,
    onError: (item, error) => {
      if (error instanceof WorkCancelled) log.info({ work: item.label, reason: error.reason }, "work cancelled at a safe point");
      else log.error({ work: item.label, err: error }, "work failed");
    },
  });

  const notifier = createNotifier(loaded.config.notify, { log });
  // Builds, jobs and labelled containers use the controller's own engine; each environment's
  // services use its docker_host's engine, connected on first use.
  const engines = engineSource(loaded, connectEngine, () => Promise.resolve(options.engine));
  const onPipelineEvent = (event: PipelineEvent): void => {
    const notice = pipelineNotice(event);
    if (notice !== undefined) notifier.notify(notice);
    options.onPipelineEvent?.(event);
  };

  // What each environment's running pipeline reads (the triggering source's head; no commit
  // while it is still reading it), and what its last successful run read. A burst of deliveries
  // for one commit then starts one run: a delivery for the commit the running run reads, or the
  // last run built, changes nothing, and only a newer commit supersedes the running run.
  const runningHeads = new Map<string, { source: string; commit?: string }>();
  const builtHeads = new Map<string, { source: string; commit: string }>();
  // Every trigger a waiting run stands for (coalescing keeps only the newest item, not its reasons).
  const waitingHints = new Map<string, { source: string; commit?: string }[]>();
  const triggerPipelines: Controller["triggerPipelines"] = (source, branch, trigger, hint = {}) =>
    pipelinesFor(loaded.config, source, branch).map((target) => {
      const key = `pipeline:${target.environment}`;
      const running = runningHeads.get(key);
      const fields = { environment: target.environment, source, branch, trigger, ...(hint.commit === undefined ? {} : { commit: hint.commit.slice(0, 12) }) };
      if (hint.commit !== undefined && running?.source === source && running.commit === hint.commit) {
        log.info(fields, "pipeline already running at this commit; nothing queued");
        return { environment: target.environment, outcome: "already-running" };
      }
      waitingHints.set(key, [...(waitingHints.get(key) ?? []), { source, ...(hint.commit === undefined ? {} : { commit: hint.commit }) }]);
      const outcome = queue.submit(
        {
          key,
          label: `pipeline ${target.environment} (${source}@${branch}, ${trigger})`,
          run: async (signal) => {
            const hints = waitingHints.get(key) ?? [];
            waitingHints.delete(key);
            const built = builtHeads.get(key);
            if (hints.length > 0 && hints.every((h) => h.commit !== undefined && h.source === built?.source && h.commit === built.commit)) {
              log.info(fields, "the last pipeline run already built this commit; skipped");
              return;
            }
            runningHeads.set(key, { source });
            try {
              const finished = await runPipeline(
                {
                  loaded,
                  stateDir: options.stateDir,
                  store: term?.store ?? store,
                  controller: id,
                  engine: options.engine,
                  engineFor: engines,
                  log: (logged, message) => log.info(logged, message),
                  notify: (event) => notifier.notify(event),
                  onEvent: (event) => {
                    if (event.kind === "started") runningHeads.set(key, { source, commit: event.run.commit });
                    onPipelineEvent(event);
                  },
                },
                { environment: target.environment, deploy: target.deploy, source, branch, trigger },
                signal,
              );
              if (finished.status === "succeeded") builtHeads.set(key, { source, commit: finished.commit });
            } finally {
              runningHeads.delete(key);
            }
          },
        },
        // A run still reading its heads will see this commit (or the one waiting after it will).
        { supersede: (hint.supersede ?? true) && running?.commit !== undefined },
      );
      log.info({ ...fields, outcome }, "pipeline queued");
      return { environment: target.environment, outcome };
    });

  const recheck = (trigger: string): void => {
    // A re-check never cancels a running pipeline: it queues one after it.
    for (const { source, branch } of watchedBranches(loaded.config)) triggerPipelines(source, branch, trigger, { supersede: false });
    (term?.updates ?? autoUpdates).checkAll(trigger);
  };

  app.get("/api/v1/queue", async () => queue.snapshot());

  const settings = loaded.config.controller;
  const leaderName = leadershipName(settings?.scope);
  // On a shared (PostgreSQL) store, every controller puts what a webhook says in the store's
  // inbox and the leader acts on it; alone on SQLite, the controller acts on it at once.
  const shared = store.kind === "postgres";
  const actOnHints = (hints: readonly Hint[], meta: HintMeta): void => {
    const routed = routeHints(hints, loaded.config, loaded.dir);
    for (const hint of routed.ignored)
      log.info({ provider: meta.provider, delivery: meta.deliveryId, hint }, "webhook names nothing slipway.yml uses; ignored");
    for (const push of routed.pushes) {
      const started = triggerPipelines(push.source, push.branch, `webhook:${meta.provider}`, push.commit === undefined ? {} : { commit: push.commit });
      if (started.length > 0) continue;
      const own = loaded.config.sources[push.source]?.branch;
      log.info(
        { provider: meta.provider, delivery: meta.deliveryId, source: push.source, branch: push.branch },
        `push to ${push.source}@${push.branch} ignored: no environment binds the branch ${push.branch}, and it is not the source's own branch (${own})`,
      );
    }
    if (routed.images.length > 0) (term?.updates ?? autoUpdates).onImageHints(routed.images, `webhook:${meta.provider}`);
  };
  if (settings !== undefined) {
    registerWebhookRoutes(app, {
      webhooks: settings.webhooks,
      maxBody: settings.max_body,
      store,
      log,
      receivedBy: id,
      ...(shared ? { queueFor: leaderName } : {}),
      onHints: actOnHints,
    });
  }

  // Timed work runs on the leader only, on a store that writes only while its term holds:
  // source pollers, job schedules, auto-update checks, the reconcile and held-deploy loops and
  // the full re-check. Requests (webhooks, the API) are served by whichever controller gets them.
  const registries = registryPoolFor(loaded.config);
  const updatesOn = (on: Store): AutoUpdates =>
    createAutoUpdates({
      loaded,
      stateDir: options.stateDir,
      store: on,
      engine: options.engine,
      engineFor: engines,
      registries,
      queue,
      notifier,
      log,
      intervalMs: settings?.watch_interval ?? 5 * 60_000,
      jitter: settings?.poll_jitter ?? 0.1,
    });
  // A follower checks the images a webhook names itself; the leader, in its term's checks.
  const autoUpdates = updatesOn(store);
  const standbyJobs = scheduleJobs({ loaded, stateDir: options.stateDir, store, engine: options.engine, notifier, log, controller: id });
  let term: TermWork | undefined;
  const lead = async (leadership: Leadership, fenced: Store, previous?: Leadership): Promise<LeaderWork> => {
    // The runs the last leader left running will never finish: they end as failed, saying why.
    // Alone on SQLite, the last controller is known only by its runs: those of a gone process of this host.
    const gone = shared ? (previous !== undefined && previous.holder !== id ? [previous.holder] : []) : await goneLocalControllers(fenced);
    for (const holder of gone) {
      const reason = `interrupted: ${holder} stopped leading before the run finished`;
      const pipelines = await fenced.interruptPipelineRuns(holder, reason);
      const jobRuns = await fenced.interruptJobRuns(holder, reason);
      if (pipelines.length + jobRuns.length > 0) log.warn({ pipelines, jobs: jobRuns, controller: holder }, "runs of the last leader ended as interrupted");
    }
    const context = { loaded, stateDir: options.stateDir, store: fenced, engine: engines, notify: (event: NotifyEventInput) => notifier.notify(event) };
    const pollers = sourcePollers(loaded, fenced, log, settings?.poll_jitter ?? 0.1, (source, branch, commit) =>
      triggerPipelines(source, branch, "poll", { commit }),
    );
    const updates = updatesOn(fenced);
    const reconcile = createReconcileLoop({ context, queue, intervalMs: settings?.reconcile ?? 30_000, log, notify: context.notify });
    const held = createHeldLoop({ context, queue, intervalMs: HELD_INTERVAL_MS, log });
    const scheduler = scheduleJobs({ loaded, stateDir: options.stateDir, store: fenced, engine: options.engine, notifier, log, controller: id });
    // The one start that can fail goes first, so a failed start leaves nothing running.
    await reconcile.start();
    const recheckTimer = setInterval(() => recheck("recheck"), settings?.recheck ?? 24 * 3_600_000);
    recheckTimer.unref();
    for (const poller of pollers) poller.start();
    scheduler.start();
    updates.start();
    held.start();
    term = { store: fenced, scheduler, held, updates };
    const inbox = shared ? await startInboxLoop({ store, fenced, leadership, act: actOnHints, log }) : undefined;
    log.info({ epoch: leadership.epoch, pollers: pollers.length }, "leader work started");
    // A term that follows another leader's re-checks everything once: what that leader had
    // queued or was running when it stopped is built now (a plan with nothing new does nothing).
    if (shared && leadership.epoch > 1) recheck("takeover");
    return {
      async stop() {
        term = undefined;
        await inbox?.stop();
        clearInterval(recheckTimer);
        held.stop();
        await Promise.all([...pollers.map((poller) => poller.stop()), scheduler.stop(), updates.stop(), reconcile.stop()]);
      },
    };
  };
  const election =
    store.kind === "postgres"
      ? electLeader({ store, name: leaderName, holder: id, leaseMs: settings?.lease ?? 15_000, lead, log: (fields, message) => log.info(fields, message) })
      : leadAlone({ store, name: leaderName, holder: id, lead });
  // The API's view of the jobs: the leader's scheduler when this controller leads, else one that never fires on its own.
  const jobs: JobScheduler = {
    start: () => undefined,
    stop: () => standbyJobs.stop(),
    next: (name) => (term?.scheduler ?? standbyJobs).next(name),
    runNow: (name, trigger) => (term?.scheduler ?? standbyJobs).runNow(name, trigger),
  };
  registerApiRoutes(app, {
    loaded,
    stateDir: options.stateDir,
    store,
    engine: options.engine,
    engineFor: engines,
    queue,
    triggerPipelines,
    log,
    jobs,
    notify: (event) => notifier.notify(event),
    onHeldChange: () => term?.held.poke("api"),
  });
  const dashboard =
    options.dashboard === undefined
      ? undefined
      : createDashboard({
          sessions: store,
          context: { loaded, stateDir: options.stateDir, store, engine: engines, notify: (event: NotifyEventInput) => notifier.notify(event) },
          hub,
          sessionTtlMs: options.dashboard.sessionTtlMs,
          logger: log,
          nextRun: (name) => jobs.next(name),
          queue,
          jobs,
          triggerPipelines,
          onHeldChange: () => term?.held.poke("dashboard"),
        });
  let url: string;
  let dashboardUrl: string | undefined;
  try {
    url = await listenOn(app, options.listen, "the controller", "--listen or controller.listen");
    if (dashboard !== undefined && options.dashboard !== undefined)
      dashboardUrl = await listenOn(dashboard, options.dashboard.listen, "the dashboard", "--dashboard or controller.dashboard.listen (or --dashboard off)");
  } catch (error) {
    // Stop what already holds the process (the job scheduler's timers), so `serve` exits at once.
    await Promise.all([app.close(), dashboard?.close(), standbyJobs.stop()]);
    throw error;
  }
  // What other processes record (a CLI deploy beside the controller, another controller) reaches open pages too.
  const stopChanges = dashboard === undefined ? undefined : await options.store.watchChanges((event) => hub.publish(event), { pollMs: 100 });
  await election.start();
  log.info(
    { url, dashboard: dashboardUrl ?? null, config: loaded.path, stateDir: options.stateDir, id, leader: election.leader()?.holder },
    "controller listening",
  );

  let stopping: Promise<void> | undefined;
  return {
    url,
    ...(dashboardUrl === undefined ? {} : { dashboardUrl }),
    app,
    queue,
    jobs,
    triggerPipelines,
    recheck,
    stop() {
      stopping ??= (async () => {
        log.info("stopping: no new work; running work stops at its next safe point");
        await Promise.all([election.stop(), standbyJobs.stop(), autoUpdates.stop(), stopChanges?.()]);
        await Promise.all([app.close(), dashboard?.close()]);
        await queue.close({ abortRunning: "the controller is stopping" });
        await notifier.close(5_000);
        log.info("stopped");
      })();
      return stopping;
    },
  };
}

/** Listens on `address`, or LISTEN_FAILED saying what could not listen and where to choose another address; the URL it listens on. */
async function listenOn(server: FastifyInstance, address: { host: string; port: number }, what: string, where: string): Promise<string> {
  try {
    await server.listen({ host: address.host, port: address.port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SlipwayError(
      "LISTEN_FAILED",
      `${what} cannot listen on ${address.host}:${address.port}: ${code === "EADDRINUSE" ? "the port is in use" : (error as Error).message}`,
      {
        hint:
          code === "EADDRINUSE"
            ? `stop what listens there (is another slipway serve running?), or choose another address with ${where}`
            : `choose another address with ${where}`,
        cause: error,
      },
    );
  }
  const bound = server.server.address();
  const port = typeof bound === "object" && bound !== null ? bound.port : address.port;
  return `http://${address.host.includes(":") ? `[${address.host}]` : address.host}:${port}`;
}

/** The controllers of this host, gone now, that left pipeline or job runs running. */
async function goneLocalControllers(store: Store): Promise<string[]> {
  const [pipelines, jobs] = await Promise.all([store.listPipelineRuns({ status: "running", limit: 500 }), store.listJobRuns({ limit: 500 })]);
  const holders = [...pipelines, ...jobs.filter((run) => run.status === "running")].flatMap((run) => (run.controller === undefined ? [] : [run.controller]));
  return [...new Set(holders)].filter((holder) => deadLocalHolder(holder) !== undefined);
}
