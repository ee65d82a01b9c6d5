import type { FastifyInstance } from "fastify";
import type { LoadedConfig } from "../config/index.js";
import type { Engine } from "../engine/index.js";
import { createHttpServer } from "../server/http-server.js";
import type { Store } from "../store/index.js";
import { runPipeline, type PipelineEvent } from "./pipeline.js";
import { pipelinesFor, watchedBranches } from "./pipeline-targets.js";
import { createWorkQueue, WorkCancelled, type SubmitOutcome, type WorkQueue } from "./work-queue.js";

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
}

export interface Controller {
  /** http://host:port the server listens on. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly queue: WorkQueue;
  /** Queues the pipelines a new commit on source@branch starts; returns what was queued. */
  triggerPipelines(source: string, branch: string, trigger: string): { environment: string; outcome: SubmitOutcome }[];
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
  const { loaded, store } = options;
  const app = createHttpServer({ store, logger: options.logger, bodyLimit: options.bodyLimit ?? 1024 * 1024, health: () => ({ queue: queue.snapshot() }) });
  const log = app.log;
  const queue = createWorkQueue({
    concurrency: options.concurrency ?? 2,
    onError: (item, error) => {
      if (error instanceof WorkCancelled) log.info({ work: item.label, reason: error.reason }, "work cancelled at a safe point");
      else log.error({ work: item.label, err: error }, "work failed");
    },
  });

  const triggerPipelines: Controller["triggerPipelines"] = (source, branch, trigger) =>
    pipelinesFor(loaded.config, source, branch).map((target) => {
      const outcome = queue.submit(
        {
          key: `pipeline:${target.environment}`,
          label: `pipeline ${target.environment} (${source}@${branch}, ${trigger})`,
          run: async (signal) => {
            await runPipeline(
              {
                loaded,
                stateDir: options.stateDir,
                store,
                engine: options.engine,
                log: (fields, message) => log.info(fields, message),
                ...(options.onPipelineEvent === undefined ? {} : { onEvent: options.onPipelineEvent }),
              },
              { environment: target.environment, deploy: target.deploy, source, branch, trigger },
              signal,
            );
          },
        },
        { supersede: true },
      );
      log.info({ environment: target.environment, source, branch, trigger, outcome }, "pipeline queued");
      return { environment: target.environment, outcome };
    });

  const recheck = (trigger: string): void => {
    for (const { source, branch } of watchedBranches(loaded.config)) triggerPipelines(source, branch, trigger);
  };

  app.get("/api/v1/queue", async () => queue.snapshot());

  await app.listen({ host: options.listen.host, port: options.listen.port });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.listen.port;
  const url = `http://${options.listen.host.includes(":") ? `[${options.listen.host}]` : options.listen.host}:${port}`;
  log.info({ url, config: loaded.path, stateDir: options.stateDir }, "controller listening");

  let stopping: Promise<void> | undefined;
  return {
    url,
    app,
    queue,
    triggerPipelines,
    recheck,
    stop() {
      stopping ??= (async () => {
        log.info("stopping: no new work; running work stops at its next safe point");
        await app.close();
        await queue.close({ abortRunning: "the controller is stopping" });
        log.info("stopped");
      })();
      return stopping;
    },
  };
}
