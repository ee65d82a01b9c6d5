import { fleetOf, type AppContext } from "../app/index.js";
import { lastUpdateCheck, type LastUpdateCheck } from "../autoupdate/index.js";
import { currentRevision, environmentNames, LABEL } from "../deploy/index.js";
import type { ContainerSummary, Engine } from "../engine/index.js";
import type { DeploymentRecord } from "../store/index.js";
import { html, type Html } from "./html.js";
import { badge, digestOf, liveRegion, servicePath, shortDigest, versionOf, when } from "./layout.js";

/** One replica as the overview shows it, read from the container list (one call per engine). */
export interface ReplicaView {
  readonly name: string;
  readonly revision: number;
  readonly state: string;
  readonly health?: "healthy" | "unhealthy" | "starting";
  readonly host?: string;
}

/** How a service in an environment is, worst part first: down, degraded, progressing, healthy; or never deployed. */
export type CellHealth = "healthy" | "progressing" | "degraded" | "down" | "not-deployed" | "unknown";

export interface OverviewCell {
  readonly service: string;
  readonly environment: string;
  readonly revision?: number;
  readonly version?: string;
  readonly digest?: string;
  readonly since?: Date;
  readonly wanted: number;
  readonly replicas: readonly ReplicaView[];
  readonly health: CellHealth;
  readonly drift: readonly string[];
  readonly update?: LastUpdateCheck;
  readonly last?: Pick<DeploymentRecord, "id" | "status" | "trigger" | "startedAt" | "error">;
  readonly unreachable?: string;
}

export interface Overview {
  readonly environments: readonly string[];
  readonly cells: readonly OverviewCell[];
}

/** The replica's health as its container list status says it: "Up 5 minutes (healthy)". */
export function healthFromStatus(status: string): ReplicaView["health"] {
  const match = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  if (match === null) return undefined;
  return match[1] === "health: starting" ? "starting" : (match[1] as "healthy" | "unhealthy");
}

/**
 * What differs from the current revision, told from the container list: replicas missing,
 * exited or unhealthy, and containers of other revisions left. The full repair plan is
 * `slipway reconcile --dry-run`; this is what a glance can tell.
 */
export function quickDrift(revision: number | undefined, wanted: number, replicas: readonly ReplicaView[]): string[] {
  if (revision === undefined) return [];
  const drift: string[] = [];
  const current = replicas.filter((r) => r.revision === revision);
  const running = current.filter((r) => r.state === "running");
  if (running.length < wanted) drift.push(`${running.length} of ${wanted} replicas running`);
  const stopped = current.filter((r) => r.state !== "running");
  if (stopped.length > 0) drift.push(`${stopped.map((r) => `${r.name} ${r.state}`).join(", ")}`);
  const unhealthy = running.filter((r) => r.health === "unhealthy");
  if (unhealthy.length > 0) drift.push(`${unhealthy.map((r) => r.name).join(", ")} unhealthy`);
  const others = replicas.filter((r) => r.revision !== revision);
  if (others.length > 0) drift.push(`${others.length} container(s) of other revisions (${[...new Set(others.map((r) => r.revision))].join(", ")})`);
  if (wanted === 0 && current.length > 0) drift.push("taken down, yet containers remain");
  return drift;
}

/** The cell's health: the worst of its parts (Argo CD's rule). */
export function cellHealth(cell: Pick<OverviewCell, "revision" | "wanted" | "replicas" | "last" | "unreachable">): CellHealth {
  if (cell.unreachable !== undefined) return "unknown";
  if (cell.revision === undefined) return cell.last?.status === "running" ? "progressing" : "not-deployed";
  if (cell.wanted === 0) return "healthy";
  const current = cell.replicas.filter((r) => r.revision === cell.revision && r.state === "running");
  if (current.length === 0) return "down";
  if (cell.last?.status === "running") return "progressing";
  if (current.length < cell.wanted || current.some((r) => r.health === "unhealthy")) return "degraded";
  if (current.some((r) => r.health === "starting")) return "progressing";
  return "healthy";
}

function toReplica(container: ContainerSummary, host?: string): ReplicaView {
  const health = healthFromStatus(container.status);
  return {
    name: container.name,
    revision: Number(container.labels[LABEL.revision] ?? 0),
    state: container.state,
    ...(health === undefined ? {} : { health }),
    ...(host === undefined ? {} : { host }),
  };
}

/** Every managed container of an engine, by service@environment: one call instead of one per service. */
async function containersByService(engine: Engine, host?: string): Promise<Map<string, ReplicaView[]>> {
  const byKey = new Map<string, ReplicaView[]>();
  for (const container of await engine.listContainers({ labels: { [LABEL.managed]: "true" }, all: true })) {
    const key = `${container.labels[LABEL.service] ?? ""}@${container.labels[LABEL.environment] ?? ""}`;
    byKey.set(key, [...(byKey.get(key) ?? []), toReplica(container, host)]);
  }
  return byKey;
}

async function reach<T>(work: () => Promise<T>): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await work() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Environments x services: what runs, since when, how healthy, what drifted, what update waits; read from the store and one container list per engine. */
export async function loadOverview(context: AppContext): Promise<Overview> {
  const { config } = context.loaded;
  const environments = environmentNames(config);
  const cells: OverviewCell[] = [];
  const hostLists = new Map<string, Promise<{ value?: Map<string, ReplicaView[]>; error?: string }>>();
  const listOn = (key: string, engine: () => Promise<Engine>, host?: string) => {
    let listed = hostLists.get(key);
    if (listed === undefined) {
      listed = reach(async () => containersByService(await engine(), host));
      hostLists.set(key, listed);
    }
    return listed;
  };
  for (const environment of environments) {
    for (const [service, definition] of Object.entries(config.services)) {
      if (definition.environments !== undefined && !definition.environments.includes(environment)) continue;
      const key = `${service}@${environment}`;
      const fleet = fleetOf(context.loaded, (env, host) => context.engine(env, host), service, environment);
      const lists =
        fleet === undefined
          ? [await listOn(`env:${environment}`, () => context.engine(environment))]
          : await Promise.all(fleet.hosts.map((h) => listOn(`host:${h.name}`, h.engine, h.name)));
      const replicas = lists.flatMap((l) => l.value?.get(key) ?? []);
      const unreachable = lists.find((l) => l.error !== undefined)?.error;
      const [current, [last], [lastOk], update] = await Promise.all([
        currentRevision({ store: context.store }, service, environment),
        context.store.listDeployments({ service, environment, limit: 1 }),
        context.store.listDeployments({ service, environment, status: "succeeded", limit: 1 }),
        definition.update.auto === undefined ? Promise.resolve(undefined) : lastUpdateCheck(context.store, service, environment),
      ]);
      const wanted = current === undefined ? 0 : Number((current.spec as { replicas?: unknown }).replicas ?? 1) * (fleet?.hosts.length ?? 1);
      const base = {
        service,
        environment,
        ...(current === undefined ? {} : { revision: current.revision }),
        ...(versionOf(current?.image) === undefined ? {} : { version: versionOf(current?.image) ?? "" }),
        ...(digestOf(current) === undefined ? {} : { digest: digestOf(current) ?? "" }),
        ...(lastOk?.finishedAt === undefined ? {} : { since: lastOk.finishedAt }),
        wanted,
        replicas,
        ...(update === undefined ? {} : { update }),
        ...(last === undefined
          ? {}
          : {
              last: {
                id: last.id,
                status: last.status,
                trigger: last.trigger,
                startedAt: last.startedAt,
                ...(last.error === undefined ? {} : { error: last.error }),
              },
            }),
        ...(unreachable === undefined ? {} : { unreachable }),
      };
      cells.push({ ...base, health: cellHealth(base), drift: unreachable === undefined ? quickDrift(current?.revision, wanted, replicas) : [unreachable] });
    }
  }
  return { environments, cells };
}

const HEALTH_WORDS: Record<CellHealth, string> = {
  healthy: "healthy",
  progressing: "progressing",
  degraded: "degraded",
  down: "down",
  "not-deployed": "not deployed",
  unknown: "unknown",
};

function cellView(cell: OverviewCell): Html {
  const running = cell.replicas.filter((r) => r.revision === cell.revision && r.state === "running").length;
  return html`<td class="cell health-${cell.health}" data-service="${cell.service}" data-environment="${cell.environment}">
    <a class="cell-link" href="${servicePath(cell.service, cell.environment)}"
      >${cell.revision === undefined ? "not deployed" : html`r${cell.revision} <span class="version">${cell.version ?? "?"}</span>`}</a
    >
    <div>${badge(HEALTH_WORDS[cell.health])}${cell.revision === undefined ? "" : html` <span class="muted">${running}/${cell.wanted} up</span>`}</div>
    ${cell.digest === undefined ? "" : html`<div class="muted mono" title="${cell.digest}">${shortDigest(cell.digest)}</div>`}
    ${cell.since === undefined ? "" : html`<div class="muted">since ${when(cell.since)}</div>`}
    ${cell.replicas.some((r) => r.host !== undefined) ? html`<div class="muted">on ${[...new Set(cell.replicas.map((r) => r.host ?? ""))].join(", ")}</div>` : ""}
    ${cell.drift.length === 0 ? "" : html`<div class="drift"><strong>Drift:</strong> ${cell.drift.join("; ")}</div>`}
    ${cell.update?.status === "available" ? html`<div class="update"><a href="/updates">Update available: ${cell.update.tag} (${shortDigest(cell.update.digest)})</a></div>` : ""}
    ${cell.last === undefined ? "" : html`<div>Last deploy: <a href="${servicePath(cell.service, cell.environment)}#deployment-${cell.last.id}">#${cell.last.id}</a> ${badge(cell.last.status)}</div>`}
  </td>`;
}

export function renderOverview(overview: Overview): Html {
  const services = [...new Set(overview.cells.map((c) => c.service))].sort();
  const cellOf = new Map(overview.cells.map((c) => [`${c.service}@${c.environment}`, c]));
  const table =
    services.length === 0
      ? html`<p>No services in slipway.yml yet.</p>`
      : html`<table class="overview">
          <caption>
            What runs where: each service in each environment
          </caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              ${overview.environments.map((e) => html`<th scope="col">${e}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${services.map(
              (s) =>
                html`<tr>
                  <th scope="row">${s}</th>
                  ${overview.environments.map((e) => {
                    const cell = cellOf.get(`${s}@${e}`);
                    return cell === undefined ? html`<td class="muted">not in ${e}</td>` : cellView(cell);
                  })}
                </tr>`,
            )}
          </tbody>
        </table>`;
  return html`<h1>Overview</h1>
    ${liveRegion("/", table)}`;
}
