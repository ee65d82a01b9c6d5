import type { DeploymentStep, Store } from "../../src/store/index.js";
import type { LogEntry } from "./log-capture.js";

/**
 * Where one update's time went, as ms from t0 (the push returned), read from the controller's
 * log and the deployment's recorded steps. A mark is undefined when it was not found.
 */
export interface Timeline {
  /** The registry's notification arrived (notify), or the tag poller saw the new digest (poll). */
  readonly noticed?: number;
  /** The auto-updater had re-read the digest and pulled the image ("auto-update: ... moved to"). */
  readonly pulled?: number;
  /** The deployment's steps ended: containers created, started, healthy, traffic switched. */
  readonly created?: number;
  readonly started?: number;
  readonly healthy?: number;
  readonly switched?: number;
  /** The check ended ("auto-update checked": after the drain and the old container's removal). */
  readonly done?: number;
}

/** The marks of the update to `digest`, whose push returned at `t0` (epoch ms). */
export async function readTimeline(input: {
  log: readonly LogEntry[];
  store: Store;
  service: string;
  digest: string;
  t0: number;
  since: number;
}): Promise<Timeline> {
  const { log, digest, t0, since } = input;
  const after = log.filter((entry) => entry.time >= Math.floor(since));
  const noticed = after.find((entry) => isNotification(entry, digest) || (typeof entry.poller === "string" && entry.current === digest));
  const pulled = after.find((entry) => entry.msg.startsWith("auto-update:") && entry.msg.includes(digest));
  const done = after.find((entry) => entry.msg === "auto-update checked" && entry.digest === digest);
  const [deployment] = await input.store.listDeployments({ service: input.service, limit: 1 });
  const ours = deployment !== undefined && deployment.trigger === "auto-update" && deployment.startedAt.getTime() >= Math.floor(since);
  const steps = ours ? await input.store.listSteps(deployment.id) : [];
  const ended = (name: string): number | undefined =>
    at(
      steps.find((step) => step.name === name),
      t0,
    );
  return {
    ...mark("noticed", noticed?.time, t0),
    ...mark("pulled", pulled?.time, t0),
    ...mark("created", ended("create"), 0),
    ...mark("started", ended("start"), 0),
    ...mark("healthy", ended("health"), 0),
    ...mark("switched", ended("switch"), 0),
    ...mark("done", done?.time, t0),
  };
}

function isNotification(entry: LogEntry, digest: string): boolean {
  return entry.msg.startsWith("webhook from") && JSON.stringify(entry.hints ?? []).includes(digest);
}

function at(step: DeploymentStep | undefined, t0: number): number | undefined {
  return step?.finishedAt === undefined ? undefined : step.finishedAt.getTime() - t0;
}

function mark(name: keyof Timeline, value: number | undefined, t0: number): Partial<Timeline> {
  return value === undefined ? {} : { [name]: value - t0 };
}
