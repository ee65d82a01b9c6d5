import type { AppContext } from "../app/index.js";
import type { JobRunRecord } from "../store/index.js";
import { redactText } from "../util/secret.js";
import { html, type Html } from "./html.js";
import { actionButton, badge, duration, liveRegion, when, type Viewer } from "./layout.js";

export interface JobRow {
  readonly name: string;
  readonly schedule?: string;
  readonly image: string;
  readonly next?: Date;
  readonly runs: readonly JobRunRecord[];
}

/** Each job: its schedule, next run (the controller's scheduler) and recent runs with exit codes. */
export async function loadJobs(context: AppContext, next: (job: string) => Date | undefined, runsPerJob = 10): Promise<JobRow[]> {
  return Promise.all(
    Object.entries(context.loaded.config.jobs).map(async ([name, job]) => {
      const upcoming = next(name);
      return {
        name,
        ...(job.schedule === undefined ? {} : { schedule: job.schedule }),
        image: job.image,
        ...(upcoming === undefined ? {} : { next: upcoming }),
        runs: await context.store.listJobRuns({ job: name, limit: runsPerJob }),
      };
    }),
  );
}

function runRow(run: JobRunRecord): Html {
  return html`<tr>
    <th scope="row">#${run.id}</th>
    <td>${run.trigger}</td>
    <td>${badge(run.status)}</td>
    <td>${run.exitCode === undefined ? "" : `exit ${run.exitCode}`}</td>
    <td>${when(run.startedAt)}</td>
    <td>${duration(run.startedAt, run.finishedAt)}</td>
    <td>
      ${run.error === undefined ? "" : html`<span class="error">${redactText(run.error)}</span>`}
      <a href="/jobs/${encodeURIComponent(run.job)}/runs/${run.id}">logs</a>
    </td>
  </tr>`;
}

export function renderJobs(rows: readonly JobRow[], viewer: Viewer): Html {
  const live =
    rows.length === 0
      ? html`<p>No jobs in slipway.yml.</p>`
      : rows.map(
          (job) =>
            html`<section class="job" id="job-${job.name}">
              <h2>${job.name}</h2>
              <p>
                Schedule: <span class="mono">${job.schedule ?? "none (run by hand)"}</span> · next run
                ${job.next === undefined ? html`<span class="muted">not scheduled</span>` : when(job.next)} · image <span class="mono">${job.image}</span>
              </p>
              ${actionButton(viewer, `/jobs/${encodeURIComponent(job.name)}/runs`, `Run ${job.name} now`)}
              ${
                job.runs.length === 0
                  ? html`<p>No runs yet.</p>`
                  : html`<table>
                      <caption>
                        Recent runs of ${job.name}
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Run</th>
                          <th scope="col">Trigger</th>
                          <th scope="col">Outcome</th>
                          <th scope="col">Exit code</th>
                          <th scope="col">Started</th>
                          <th scope="col">Took</th>
                          <th scope="col">Details</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${job.runs.map(runRow)}
                      </tbody>
                    </table>`
              }
            </section>`,
        );
  return html`<h1>Jobs</h1>
    ${liveRegion("/jobs", html`${live}`)}`;
}

/** One run's captured output: the newest log file of the job, or the run's error. */
export function renderJobRun(run: JobRunRecord, log: string | undefined): Html {
  return html`<h1>${run.job} run #${run.id}</h1>
    <p>
      ${badge(run.status)} ${run.exitCode === undefined ? "" : `exit ${run.exitCode}`} · ${when(run.startedAt)} ·
      ${duration(run.startedAt, run.finishedAt)}${run.image === undefined ? "" : html` · <span class="mono">${run.image}</span>`}
    </p>
    ${run.error === undefined ? "" : html`<p class="error">${redactText(run.error)}</p>`}
    ${log === undefined ? html`<p class="muted">No output was captured for this run.</p>` : html`<pre class="log">${redactText(log)}</pre>`}
    <p><a href="/jobs">All jobs</a></p>`;
}
