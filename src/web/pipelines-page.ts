import type { AppContext } from "../app/index.js";
import type { BuildRecord, PipelineRunRecord, PipelineStep } from "../store/index.js";
import { redactText } from "../util/secret.js";
import { html, type Html } from "./html.js";
import { actionButton, badge, duration, liveRegion, stepItem, when, type Viewer } from "./layout.js";

export interface PipelinesPage {
  readonly environment?: string;
  readonly environments: readonly string[];
  readonly runs: readonly PipelineRunRecord[];
  readonly sources: readonly { name: string; branch: string }[];
}

export async function loadPipelines(context: AppContext, environment: string | undefined): Promise<PipelinesPage> {
  const runs = await context.store.listPipelineRuns({ ...(environment === undefined ? {} : { environment }), limit: 50 });
  return {
    ...(environment === undefined ? {} : { environment }),
    environments: Object.keys(context.loaded.config.environments),
    runs,
    sources: Object.entries(context.loaded.config.sources).map(([name, s]) => ({ name, branch: s.branch })),
  };
}

function commitOf(run: PipelineRunRecord): string {
  return run.commit.slice(0, 12);
}

export function renderPipelines(data: PipelinesPage, viewer: Viewer): Html {
  const filter = html`<nav aria-label="Environments" class="filter">
    <a href="/pipelines" ${data.environment === undefined ? html` aria-current="page"` : ""}>All</a>${data.environments.map(
      (e) => html` <a href="/pipelines?environment=${encodeURIComponent(e)}" ${data.environment === e ? html` aria-current="page"` : ""}>${e}</a>`,
    )}
  </nav>`;
  const start = viewer.readOnly
    ? html``
    : html`<section class="actions" aria-label="Start a pipeline">
        ${data.sources.map((s) => actionButton(viewer, "/pipelines", `Run pipelines of ${s.name} (${s.branch})`, { source: s.name, branch: s.branch }))}
      </section>`;
  const table =
    data.runs.length === 0
      ? html`<p>No pipeline runs yet.</p>`
      : html`<table>
          <caption>
            Pipeline runs, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Environment</th>
              <th scope="col">Commit</th>
              <th scope="col">Trigger</th>
              <th scope="col">Outcome</th>
              <th scope="col">Started</th>
              <th scope="col">Took</th>
            </tr>
          </thead>
          <tbody>
            ${data.runs.map(
              (r) =>
                html`<tr>
                  <th scope="row"><a href="/pipelines/${r.id}">#${r.id}</a></th>
                  <td>${r.environment}</td>
                  <td class="mono">${r.source}@${r.branch} ${commitOf(r)}</td>
                  <td>${r.trigger}</td>
                  <td>${badge(r.status)}${r.error === undefined ? "" : html` <span class="error">${redactText(r.error)}</span>`}</td>
                  <td>${when(r.startedAt)}</td>
                  <td>${duration(r.startedAt, r.finishedAt)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`;
  return html`<h1>Pipelines</h1>
    ${filter}${start}${liveRegion(data.environment === undefined ? "/pipelines" : `/pipelines?environment=${encodeURIComponent(data.environment)}`, table)}`;
}

export interface PipelineRunPage {
  readonly run: PipelineRunRecord;
  readonly steps: readonly PipelineStep[];
  /** The builds of the run's images recorded while it ran: each image's build and tests, with the output of a failed one. */
  readonly builds: readonly BuildRecord[];
}

export async function loadPipelineRun(context: AppContext, id: number): Promise<PipelineRunPage | undefined> {
  const run = await context.store.getPipelineRun(id);
  if (run === undefined) return undefined;
  const steps = await context.store.listPipelineSteps(id);
  const planned = steps.find((s) => s.name === "plan")?.detail["toBuild"];
  const images = Array.isArray(planned) ? planned.filter((i): i is string => typeof i === "string") : [];
  const end = run.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const recent = images.length === 0 ? [] : await context.store.listBuilds({ limit: 200 });
  const builds = recent
    .filter((b) => images.includes(b.image) && b.startedAt.getTime() >= run.startedAt.getTime() && b.startedAt.getTime() <= end)
    .sort((a, b) => a.id - b.id);
  return { run, steps, builds };
}

function stepDetail(step: PipelineStep): Html {
  if (step.name === "plan") {
    const reasons = step.detail["reasons"];
    if (typeof reasons !== "object" || reasons === null) return html``;
    const entries = Object.entries(reasons as Record<string, unknown>);
    if (entries.length === 0) return html`<p class="muted">Every image is up to date.</p>`;
    return html`<ul>
      ${entries.map(([image, why]) => html`<li><strong>${image}</strong>: ${Array.isArray(why) ? why.map(String).join("; ") : ""}</li>`)}
    </ul>`;
  }
  return html``;
}

function buildView(build: BuildRecord): Html {
  return html`<li class="build build-${build.status}">
    <a href="/images/${encodeURIComponent(build.image)}">${build.image}</a> ${badge(build.status)}
    <span class="muted">${duration(build.startedAt, build.finishedAt)}</span>${build.tag === undefined ? "" : html` <span class="mono">${build.tag}</span>`}${
      build.status === "failed"
        ? html`<div class="error">${redactText(build.error ?? "failed")}</div>
            <details open>
              <summary>Output of ${build.image}</summary>
              <pre class="log">${redactText(build.log)}</pre>
            </details>`
        : ""
    }
  </li>`;
}

export function renderPipelineRun(data: PipelineRunPage): Html {
  const { run } = data;
  const live = html`<p>
      ${badge(run.status)} ${run.trigger} · started ${when(run.startedAt)} ·
      ${duration(run.startedAt, run.finishedAt)}${run.controller === undefined ? "" : ` · on ${run.controller}`}
    </p>
    ${run.error === undefined ? "" : html`<p class="error"><strong>Failed:</strong> ${redactText(run.error)}</p>`}
    <h2>Steps</h2>
    <ol class="steps">
      ${data.steps.map((s) => stepItem(s, stepDetail(s)))}
    </ol>
    ${
      data.builds.length === 0
        ? ""
        : html`<h2>Builds and tests</h2>
            <ul class="builds">
              ${data.builds.map(buildView)}
            </ul>`
    }`;
  return html`<h1>Pipeline run #${run.id} <span class="muted">${run.environment}: ${run.source}@${run.branch} ${commitOf(run)}</span></h1>
    ${liveRegion(`/pipelines/${run.id}`, live)}`;
}
