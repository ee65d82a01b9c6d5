import { lastUpdateCheck, type LastUpdateCheck } from "../autoupdate/index.js";
import { currentRevision, environmentNames, listReplicas } from "../deploy/index.js";
import type { RevisionRecord } from "../store/index.js";
import { fleetOf, type DeployHost } from "./fleet-hosts.js";
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
  /** On several hosts: what runs on each, in rollout order. */
  hosts?: HostStatus[];
}

/** One host of a service on several hosts: the revision its replicas run, since when, and how it differs from the current revision. */
export interface HostStatus {
  host: string;
  address: string;
  revision?: number;
  image?: string;
  digest?: string;
  /** When the oldest running replica of that revision started. */
  since?: string;
  containers: { name: string; state: string; health?: string; revision: number }[];
  /** Why it differs from the current revision (an older revision, a replica missing, not reachable); absent when in sync. */
  drift?: string[];
}

/**
 * What runs where: per environment and service, the current revision and image (with the
 * digest the engine knows), the containers with their state and health, and the last
 * deployment. Actual state is read from the engine; desired state from the store.
 */
export async function serviceStatus(context: AppContext): Promise<StatusRow[]> {
  const { config } = context.loaded;
  const store = context.store;
  const environments = environmentNames(config);
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
      const fleet = fleetOf(context.loaded, (env, host) => context.engine(env, host), service, environment);
      const hosts = fleet === undefined ? undefined : await Promise.all(fleet.hosts.map((host) => hostStatus(context, host, service, environment, current)));
      const containers =
        engine === undefined || fleet !== undefined ? [] : (await containersOn(engine, service, environment)).map(({ startedAt: _, ...c }) => c);
      const image = current === undefined || engine === undefined || fleet !== undefined ? undefined : await engine.inspectImage(current.image);
      const drift =
        current === undefined
          ? undefined
          : hosts !== undefined
            ? fleetDrift(hosts)
            : reached?.error !== undefined
              ? [reached.error]
              : await driftOf(context, service, environment);
      const digest = image?.repoDigests[0]?.split("@")[1] ?? hosts?.find((h) => h.revision === current?.revision)?.digest ?? current?.digest;
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
        ...(hosts === undefined ? {} : { hosts }),
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

async function containersOn(engine: Engine, service: string, environment: string): Promise<(StatusRow["containers"][number] & { startedAt?: string })[]> {
  const replicas = await listReplicas(engine, service, environment);
  return Promise.all(
    replicas.map(async (r) => {
      const details = await engine.inspectContainer(r.id);
      return {
        name: r.name,
        state: details?.state.status ?? "gone",
        ...(details?.state.health === undefined ? {} : { health: details.state.health }),
        revision: r.revision,
        ...(details?.state.running === true ? { startedAt: details.state.startedAt } : {}),
      };
    }),
  );
}

/** What runs on one host, read from its engine; a host that does not answer says so as its drift. */
async function hostStatus(
  context: AppContext,
  host: DeployHost,
  service: string,
  environment: string,
  current: RevisionRecord | undefined,
): Promise<HostStatus> {
  const base = { host: host.name, address: host.address };
  let engine: Engine;
  let found: Awaited<ReturnType<typeof containersOn>>;
  try {
    engine = await host.engine();
    found = await containersOn(engine, service, environment);
  } catch (error) {
    return { ...base, containers: [], drift: [`not reachable: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const running = found.filter((c) => c.state === "running");
  const revision = running.length === 0 ? undefined : Math.max(...running.map((c) => c.revision));
  const record =
    revision === undefined ? undefined : revision === current?.revision ? current : await context.store.getRevision(service, environment, revision);
  const image = record === undefined ? undefined : await engine.inspectImage(record.image).catch(() => undefined);
  const starts = running.filter((c) => c.revision === revision && c.startedAt !== undefined).map((c) => c.startedAt ?? "");
  const drift: string[] = [];
  const wanted = current === undefined ? 0 : Number((current.spec as { replicas?: unknown }).replicas ?? 1);
  if (current !== undefined && wanted > 0) {
    if (revision === undefined) drift.push(`runs nothing of it (revision ${current.revision} wanted)`);
    else if (revision !== current.revision) drift.push(`runs revision ${revision}, not the current ${current.revision}`);
    const serving = running.filter((c) => c.revision === current.revision).length;
    if (revision === current.revision && serving < wanted) drift.push(`${serving} of ${wanted} replicas running`);
  }
  const stray = found.filter((c) => c.revision !== current?.revision).length;
  if (current !== undefined && revision === current.revision && stray > 0) drift.push(`${stray} container(s) of other revisions left`);
  return {
    ...base,
    ...(revision === undefined ? {} : { revision }),
    ...(record === undefined ? {} : { image: record.image }),
    ...(image?.repoDigests[0] === undefined ? {} : { digest: image.repoDigests[0].split("@")[1] ?? "" }),
    ...(starts.length === 0 ? {} : { since: starts.sort()[0] ?? "" }),
    containers: found.map(({ startedAt: _, ...c }) => c),
    ...(drift.length === 0 ? {} : { drift }),
  };
}

/** The service's drift on several hosts: each host's own, named; undefined when every host runs the current revision as it should. */
function fleetDrift(hosts: readonly HostStatus[]): string[] | undefined {
  const lines = hosts.flatMap((h) => (h.drift ?? []).map((line) => `${h.host}: ${line}`));
  return lines.length === 0 ? undefined : lines;
}
