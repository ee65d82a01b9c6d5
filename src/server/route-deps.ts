import type { FastifyBaseLogger } from "fastify";
import type { AppContext } from "../app/index.js";
import type { LoadedConfig } from "../config/index.js";
import type { WorkQueue } from "../util/work-queue.js";
import type { Engine } from "../engine/index.js";
import type { JobScheduler } from "../jobs/index.js";
import type { NotifyEventInput } from "../notify/index.js";
import type { Store } from "../store/index.js";

export interface ApiDeps {
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  readonly store: Store;
  /** The controller's own engine: builds, jobs. */
  readonly engine: Engine;
  /** Each environment's engine (its docker_host); `engine` for all when absent. */
  readonly engineFor?: (environment?: string) => Promise<Engine>;
  /** The controller's work queue: deployments and rollbacks run under the key service:<name>@<env>. Without one they run at once. */
  readonly queue?: WorkQueue;
  /** The controller's: queues the pipelines a commit on source@branch starts. */
  readonly triggerPipelines: (source: string, branch: string, trigger: string) => readonly { environment: string; outcome: string }[];
  readonly log: Pick<FastifyBaseLogger, "info" | "warn" | "error">;
  /** The controller's notifier: API deployments, rollbacks and builds are announced like the controller's own. */
  readonly notify?: (event: NotifyEventInput) => void;
  /** The controller's job scheduler, for one-off runs under each job's overlap rule. */
  readonly jobs?: Pick<JobScheduler, "runNow" | "next">;
  /** The controller's: look at the held deploys now (an approval arrived, a freeze ended). */
  readonly onHeldChange?: () => void;
}

/** What each group of routes is given. */
export interface RouteDeps extends ApiDeps {
  readonly context: AppContext;
}
