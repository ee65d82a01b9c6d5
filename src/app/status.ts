import { lastUpdateCheck, type LastUpdateCheck } from "../autoupdate/index.js";
import { currentRevision, listReplicas } from "../deploy/index.js";
import type { Engine } from "../engine/index.js";
import { isSlipwayError } from "../errors/index.js";
import type { AppContext } from "./context.js";
import { reconcileOne } from "./reconcile.js";
import { activeFreezes, gateDeps, listHeldViews } from "./held-deploys.js";

/** One service in one environment: what `slipway status` and GET /api/v1/status show. */
export interface StatusRow {
  service: string;
  environment: string;
  revision?: number;
  image?: string;
  digest?: string;
  since?: string;
  containers: { name: string; state: string; health?: string; revision: number }[];
  lastDeployment?: { id: number; status: string; error?: string; startedAt: string };
  /** What differs from the current revision, as the steps that would repair it (`slipway reconcile`); absent when in sync. */
  drift?: string[];
  /** update.auto: what its last check decided (e.g. waiting, with the time left); absent before the first check. */
  autoUpdate?: LastUpdateCheck;
  /** Deploys of it the environment's policy holds, and what each waits for. */
  held?: { id: number; image: string; trigger: string; requestedBy: string; waiting: string }[];
  /** The environment's freeze in force. */
  frozen?: { until: string; reason: string; by: string };
}

/**
 * What runs where: per environment and service, the current revision and image (with the
 * digest the engine knows), the containers with their state and health, and the last
 * deployment. Actual state is read from the engine; desired state from the store.
 */
export async function serviceStatus(context: AppContext): Promise<StatusRow[]> {
  const { config } = context.loaded;
  const store = context.store;
  const environments = Object.keys(config.environments).length === 0 ? ["default"] : Object.keys(config.environments);
  const rows: StatusRow[] = [];
  const gate = gateDeps(context);
  const waiting = await listHeldViews(gate);
  const freezes = await activeFreezes(gate);
  for (const environment of environments) {
    const freeze = freezes.find((f) => f.environment === environment);
    const reached = Object.keys(config.services).length === 0 ? undefined : await reachEngine(context, environment);
    const engine = reached?.engine;
    for (const [service, definition] of Object.entries(config.services)) {
      if (definition.environments !== undefined && !definition.environments.includes(environment)) continue;
      const current = await currentRevision({ store }, service, environment);
      const [last] = await store.listDeployments({ service, environment, limit: 1 });
      const [lastOk] = await store.listDeployments({ service, environment, status: "succeeded", limit: 1 });
      const replicas = engine === undefined ? [] : await listReplicas(engine, service, environment);
      const containers = await Promise.all(
        replicas.map(async (r) => {
          const details = await engine?.inspectContainer(r.id);
          return {
            name: r.name,
            state: details?.state.status ?? "gone",
            ...(details?.state.health === undefined ? {} : { health: details.state.health }),
            revision: r.revision,
          };
        }),
      );
      const image = current === undefined || engine === undefined ? undefined : await engine.inspectImage(current.image);
      const drift = current === undefined ? undefined : reached?.error !== undefined ? [reached.error] : await driftOf(context, service, environment);
      const digest = image?.repoDigests[0]?.split("@")[1] ?? current?.digest;
      const autoUpdate = definition.update.auto === undefined ? undefined : await lastUpdateCheck(store, service, environment);
      const held = waiting
        .filter((h) => h.service === service && h.environment === environment)
        .map((h) => ({ id: h.id, image: h.image, trigger: h.trigger, requestedBy: h.requestedBy, waiting: h.waiting ?? h.status }));
      rows.push({
        service,
        environment,
        ...(current === undefined ? {} : { revision: current.revision, image: current.image }),
        ...(digest === undefined ? {} : { digest }),
        ...(lastOk?.finishedAt === undefined ? {} : { since: lastOk.finishedAt.toISOString() }),
        containers,
        ...(drift === undefined ? {} : { drift }),
        ...(autoUpdate === undefined ? {} : { autoUpdate }),
        ...(held.length === 0 ? {} : { held }),
        ...(freeze === undefined ? {} : { frozen: { until: freeze.until.toISOString(), reason: freeze.reason, by: freeze.by } }),
        ...(last === undefined
          ? {}
          : {
              lastDeployment: {
                id: last.id,
                status: last.status,
                ...(last.error === undefined ? {} : { error: last.error }),
                startedAt: last.startedAt.toISOString(),
              },
            }),
      });
    }
  }
  return rows;
}

/** The environment's engine, or why it cannot be reached (one environment's host being down does not hide the others). */
async function reachEngine(context: AppContext, environment: string): Promise<{ engine?: Engine; error?: string }> {
  try {
    return { engine: await context.engine(environment) };
  } catch (error) {
    if (!isSlipwayError(error, "ENGINE_UNREACHABLE")) throw error;
    return { error: error.message };
  }
}

/** The repair plan of a service that drifted from its current revision, or undefined when in sync. */
async function driftOf(context: AppContext, service: string, environment: string): Promise<string[] | undefined> {
  const row = await reconcileOne(context, service, environment, true, () => undefined);
  if (row.outcome === "in-sync" || row.outcome === "not-deployed") return undefined;
  return [...(row.error === undefined ? [] : [row.error]), ...row.steps];
}
