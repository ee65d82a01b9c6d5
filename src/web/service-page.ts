import { serviceHistory, type AppContext, type HistoryEntry } from "../app/index.js";
import { listReplicas } from "../deploy/index.js";
import type { RevisionRecord } from "../store/index.js";
import { redactText } from "../util/secret.js";
import { html, type Html } from "./html.js";
import { actionButton, badge, csrfField, digestOf, duration, liveRegion, servicePath, shortDigest, stepItem, versionOf, when, type Viewer } from "./layout.js";
import { specDiff } from "./spec-diff.js";

export interface ServicePage {
  readonly service: string;
  readonly environment: string;
  readonly history: readonly HistoryEntry[];
  readonly revisions: readonly RevisionRecord[];
  readonly current?: number;
  readonly logs?: string;
  readonly logsError?: string;
  /** The revisions compared (?from=&to=), when asked. */
  readonly compare?: { readonly from: RevisionRecord; readonly to: RevisionRecord };
}

/** A service in an environment: its deployments with their steps, its revisions, the running containers' log tail. */
/** A service's revisions, newest first, and which one is current: what the page and the rollback confirmation show. */
export type ServiceRevisions = Pick<ServicePage, "service" | "environment" | "revisions" | "current">;

export async function loadRevisions(context: AppContext, service: string, environment: string): Promise<ServiceRevisions> {
  const revisions = await context.store.listRevisions(service, environment, { limit: 50 });
  const [lastOk] = await context.store.listDeployments({ service, environment, status: "succeeded", limit: 1 });
  return { service, environment, revisions, ...(lastOk === undefined ? {} : { current: lastOk.toRevision }) };
}

export async function loadServicePage(context: AppContext, service: string, environment: string, compare?: { from: number; to: number }): Promise<ServicePage> {
  const history = await serviceHistory(context, { service, environment, limit: 25 });
  const revisions = await loadRevisions(context, service, environment);
  const tail = await logTail(context, service, environment);
  const from = compare === undefined ? undefined : await context.store.getRevision(service, environment, compare.from);
  const to = compare === undefined ? undefined : await context.store.getRevision(service, environment, compare.to);
  return {
    ...revisions,
    history,
    ...tail,
    ...(from === undefined || to === undefined ? {} : { compare: { from, to } }),
  };
}

async function logTail(context: AppContext, service: string, environment: string): Promise<{ logs?: string; logsError?: string }> {
  try {
    const engine = await context.engine(environment);
    const replicas = (await listReplicas(engine, service, environment)).filter((r) => r.running);
    const parts = await Promise.all(
      replicas.map(async (r) => {
        const { stdout, stderr } = await engine.logs(r.id, { tail: 40 });
        return `--- ${r.name} ---\n${
          [stdout, stderr]
            .filter((s) => s.trim() !== "")
            .join("\n")
            .trimEnd() || "(no output)"
        }`;
      }),
    );
    return { logs: parts.join("\n") };
  } catch (error) {
    return { logsError: error instanceof Error ? error.message : String(error) };
  }
}

function stepsView(entry: HistoryEntry): Html {
  return html`<ol class="steps">
    ${entry.steps.map((s) => stepItem(s))}
  </ol>`;
}

function deploymentView(entry: HistoryEntry): Html {
  const from = entry.fromRevision === undefined ? "none" : `r${entry.fromRevision}`;
  return html`<article class="deployment" id="deployment-${entry.id}">
    <h3>#${entry.id} ${from} → r${entry.toRevision} ${badge(entry.status)}</h3>
    <p>
      ${entry.trigger} · ${entry.strategy} · started ${when(entry.startedAt)} ·
      ${duration(entry.startedAt, entry.finishedAt)}${entry.revisionImage === undefined ? "" : html` · <span class="mono">${versionOf(entry.revisionImage) ?? entry.revisionImage}</span>`}
    </p>
    ${entry.error === undefined ? "" : html`<p class="error"><strong>${entry.status === "rolled-back" ? "Rolled back because:" : "Failed:"}</strong> ${redactText(entry.error)}</p>`}
    ${stepsView(entry)}
    ${
      entry.log.trim() === ""
        ? ""
        : html`<details>
            <summary>Logs kept from the failed revision</summary>
            <pre class="log">${redactText(entry.log)}</pre>
          </details>`
    }
  </article>`;
}

function revisionsView(data: ServicePage, viewer: Viewer): Html {
  const path = servicePath(data.service, data.environment);
  return html`<table class="revisions">
    <caption>
      Revisions
    </caption>
    <thead>
      <tr>
        <th scope="col">Revision</th>
        <th scope="col">Version</th>
        <th scope="col">Digest</th>
        <th scope="col">Created</th>
        <th scope="col">Actions</th>
      </tr>
    </thead>
    <tbody>
      ${data.revisions.map((r, i) => {
        const older = data.revisions[i + 1];
        return html`<tr${r.revision === data.current ? html` class="current"` : ""}><th scope="row">r${r.revision}${r.revision === data.current ? " (current)" : ""}</th>
<td class="mono">${versionOf(r.image) ?? r.image}</td><td class="mono" title="${digestOf(r) ?? ""}">${shortDigest(digestOf(r)) ?? ""}</td><td>${when(r.createdAt)}</td>
<td>${older === undefined ? "" : html`<a href="${path}?from=${older.revision}&amp;to=${r.revision}#compare">changes from r${older.revision}</a>`}
${r.revision === data.current || viewer.readOnly ? "" : html` <a class="button" href="${path}/rollback?to=${r.revision}">Roll back to r${r.revision}</a>`}</td></tr>`;
      })}
    </tbody>
  </table>`;
}

function compareView(data: ServicePage): Html {
  if (data.compare === undefined) return html``;
  const changes = specDiff(data.compare.from.spec, data.compare.to.spec);
  return html`<section id="compare">
    <h2>Changes from r${data.compare.from.revision} to r${data.compare.to.revision}</h2>
    ${
      changes.length === 0
        ? html`<p>The specs are the same.</p>`
        : html`<table class="diff">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">r${data.compare.from.revision}</th>
                <th scope="col">r${data.compare.to.revision}</th>
              </tr>
            </thead>
            <tbody>
              ${changes.map(
                (c) =>
                  html`<tr>
                    <th scope="row" class="mono">${c.path}</th>
                    <td class="mono removed">${c.before ?? "(not set)"}</td>
                    <td class="mono added">${c.after ?? "(not set)"}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;
}

function actionsView(data: ServicePage, viewer: Viewer): Html {
  if (viewer.readOnly) return html`<p class="muted">Read-only: this token can see and cannot act.</p>`;
  const path = servicePath(data.service, data.environment);
  return html`<section class="actions" aria-label="Actions">
    <form method="post" action="${path}/deploy">
      ${csrfField(viewer)}<label for="deploy-image">Image to deploy</label>
      <input id="deploy-image" name="image" placeholder="the newest build of its image" size="40" /> <button type="submit">Deploy</button>
    </form>
    ${data.current === undefined ? "" : actionButton(viewer, `${path}/down`, "Take down", {}, "danger")}
  </section>`;
}

export function renderServicePage(data: ServicePage, viewer: Viewer): Html {
  const path = servicePath(data.service, data.environment);
  const live = html`${revisionsView(data, viewer)}
    <section>
      <h2>Deployments</h2>
      ${data.history.length === 0 ? html`<p>No deployments yet.</p>` : data.history.map(deploymentView)}
    </section>
    <section>
      <h2>Running containers' logs</h2>
      ${
        data.logsError !== undefined
          ? html`<p class="error">${data.logsError}</p>`
          : html`<pre class="log">${redactText(data.logs ?? "") || "(nothing runs)"}</pre>`
      }
    </section>`;
  return html`<h1>${data.service} <span class="muted">in ${data.environment}</span></h1>
    ${actionsView(data, viewer)} ${compareView(data)}
    ${liveRegion(path + (data.compare === undefined ? "" : `?from=${data.compare.from.revision}&to=${data.compare.to.revision}`), live)}`;
}

/** The confirmation before a rollback: what runs, what comes back, one button. */
export function renderRollbackConfirm(data: ServiceRevisions, to: RevisionRecord, viewer: Viewer): Html {
  const path = servicePath(data.service, data.environment);
  const current = data.revisions.find((r) => r.revision === data.current);
  const changes = current === undefined ? [] : specDiff(current.spec, to.spec);
  return html`<h1>Roll back ${data.service} in ${data.environment}?</h1>
    <p>
      It runs r${data.current ?? "?"} (${versionOf(current?.image) ?? "?"}); rolling back deploys r${to.revision} (${versionOf(to.image) ?? to.image}) again
      with its recorded spec.
    </p>
    ${changes.length === 0 ? "" : html`<p>${changes.length} field(s) of the spec change: ${changes.map((c) => c.path).join(", ")}.</p>`}
    <form method="post" action="${path}/rollback">
      ${csrfField(viewer)}<input type="hidden" name="to" value="${String(to.revision)}" />
      <button type="submit" class="danger">Roll back to r${to.revision}</button> <a href="${path}">Cancel</a>
    </form>`;
}
