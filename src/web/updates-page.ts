import { environmentNames } from "../deploy/index.js";
import { gateDeps, listHeldViews, type AppContext, type HeldView } from "../app/index.js";
import {
  autoUpdateServices,
  lastUpdateCheck,
  listWatchedContainers,
  pinnedReference,
  type LastUpdateCheck,
  type WatchedContainer,
} from "../autoupdate/index.js";
import { parseReference } from "../reference/index.js";
import { html, type Html } from "./html.js";
import { actionButton, badge, servicePath, shortDigest, when, type Viewer } from "./layout.js";
import { liveRegion } from "./layout.js";

export interface WatchedService {
  readonly service: string;
  readonly environment: string;
  readonly image: string;
  readonly mode: string;
  readonly last?: LastUpdateCheck;
}

export interface UpdatesPage {
  /** Deploys the environments' policy holds (approvals, windows, freezes), with what each waits for. */
  readonly held: readonly HeldView[];
  readonly services: readonly WatchedService[];
  readonly containers: readonly WatchedContainer[];
  readonly containersError?: string;
}

function environmentsOf(context: AppContext, only: readonly string[] | undefined): string[] {
  const all = environmentNames(context.loaded.config);
  return only === undefined ? all : all.filter((e) => only.includes(e));
}

/** Every auto-updated service in each of its environments with its last check, and the labelled containers this controller watches. */
export async function loadUpdates(context: AppContext): Promise<UpdatesPage> {
  const config = context.loaded.config;
  const services: WatchedService[] = [];
  for (const { service, image, auto } of autoUpdateServices(config)) {
    for (const environment of environmentsOf(context, config.services[service]?.environments)) {
      const last = await lastUpdateCheck(context.store, service, environment);
      services.push({ service, environment, image, mode: auto === true ? "update" : auto, ...(last === undefined ? {} : { last }) });
    }
  }
  const held = await listHeldViews(gateDeps(context));
  try {
    const containers = await listWatchedContainers(await context.engine(), { scope: config.controller?.scope });
    return { held, services, containers };
  } catch (error) {
    return { held, services, containers: [], containersError: error instanceof Error ? error.message : String(error) };
  }
}

/** The reference an available update deploys: the image's repository at the checked tag, pinned to the checked digest. */
export function availableReference(image: string, last: Pick<LastUpdateCheck, "tag" | "digest">): string {
  return pinnedReference({ written: parseReference(image), tag: last.tag, digest: last.digest });
}

function serviceRow(row: WatchedService, viewer: Viewer): Html {
  const last = row.last;
  const available = last?.status === "available";
  return html`<tr>
    <th scope="row"><a href="${servicePath(row.service, row.environment)}">${row.service}</a></th>
    <td>${row.environment}</td>
    <td class="mono">${row.image}</td>
    <td>${row.mode}</td>
    <td>
      ${last === undefined ? html`<span class="muted">not checked yet</span>` : html`${badge(last.status)} ${last.tag} <span class="mono" title="${last.digest}">${shortDigest(last.digest)}</span>${last.waiting === undefined ? "" : html` <span class="muted">${last.waiting}</span>`}${last.error === undefined ? "" : html` <span class="error">${last.error}</span>`}`}
    </td>
    <td>${last === undefined ? "" : when(last.checkedAt)}</td>
    <td>
      ${available && last !== undefined ? actionButton(viewer, `${servicePath(row.service, row.environment)}/deploy`, `Update to ${last.tag} (${shortDigest(last.digest) ?? ""})`, { image: availableReference(row.image, last) }) : ""}
    </td>
  </tr>`;
}

function heldRow(held: HeldView, viewer: Viewer): Html {
  return html`<tr>
    <th scope="row">#${held.id}</th>
    <td><a href="${servicePath(held.service, held.environment)}">${held.service}</a></td>
    <td>${held.environment}</td>
    <td class="mono">${held.image}</td>
    <td>${held.trigger} by ${held.requestedBy}</td>
    <td>${held.waiting ?? held.status}${held.approvedBy.length === 0 ? "" : html` <span class="muted">(approved by ${held.approvedBy.join(", ")})</span>`}</td>
    <td>
      ${actionButton(viewer, `/held/${held.id}/approve`, `Approve #${held.id}`)}
      ${actionButton(viewer, `/held/${held.id}/reject`, `Reject #${held.id}`, {}, "danger")}
    </td>
  </tr>`;
}

export function renderUpdates(data: UpdatesPage, viewer: Viewer): Html {
  const live = html`<h2>Waiting deploys</h2>
    ${
      data.held.length === 0
        ? html`<p>No deploy waits for an approval, a maintenance window or the end of a freeze.</p>`
        : html`<table>
            <caption>
              Deploys held by their environment's policy (docs/policy.md)
            </caption>
            <thead>
              <tr>
                <th scope="col">Held</th>
                <th scope="col">Service</th>
                <th scope="col">Environment</th>
                <th scope="col">Image</th>
                <th scope="col">Requested</th>
                <th scope="col">Waits for</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              ${data.held.map((h) => heldRow(h, viewer))}
            </tbody>
          </table>`
    }
    <h2>Services</h2>
    ${
      data.services.length === 0
        ? html`<p>No service has update.auto.</p>`
        : html`<table>
            <caption>
              Auto-updated services: what their tags offer
            </caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Environment</th>
                <th scope="col">Follows</th>
                <th scope="col">Mode</th>
                <th scope="col">Last check</th>
                <th scope="col">Checked</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              ${data.services.map((s) => serviceRow(s, viewer))}
            </tbody>
          </table>`
    }
    <h2>Labelled containers</h2>
    ${
      data.containersError !== undefined
        ? html`<p class="error">${data.containersError}</p>`
        : data.containers.length === 0
          ? html`<p>No running container is labelled dev.slipway.auto-update in this controller's scope.</p>`
          : html`<table>
              <caption>
                Containers that opted in with dev.slipway.auto-update
              </caption>
              <thead>
                <tr>
                  <th scope="col">Container</th>
                  <th scope="col">Follows</th>
                  <th scope="col">Mode</th>
                  <th scope="col">Image ID</th>
                </tr>
              </thead>
              <tbody>
                ${data.containers.map(
                  (c) =>
                    html`<tr>
                      <th scope="row">${c.name}</th>
                      <td class="mono">${c.image}</td>
                      <td>${c.mode === "monitor" ? "monitor (reports only)" : "update"}</td>
                      <td class="mono">${shortDigest(c.imageId)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }`;
  return html`<h1>Auto-updates</h1>
    ${liveRegion("/updates", live)}`;
}
