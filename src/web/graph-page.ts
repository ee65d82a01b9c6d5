import { planImages, type AppContext, type PlanJson } from "../app/index.js";
import { describeReason, type Reason } from "../graph/plan.js";
import type { BuildRecord } from "../store/index.js";
import { redactText } from "../util/secret.js";
import { drawGraph, STATE_WORDS, type GraphEdge, type GraphNode, type GraphNodeState } from "./graph-view.js";
import { html, raw, type Html } from "./html.js";
import { badge, duration, liveRegion, when } from "./layout.js";

export interface GraphPage {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Why each image rebuilds, in the plan's own words. */
  readonly reasons: Readonly<Record<string, readonly string[]>>;
  /** Why there is no plan (a source that cannot be read), when there is none. */
  readonly planError?: string;
}

/** A node's state: the plan says rebuild or up to date; a rebuild whose newest build failed is failed; a build running is building. */
export function nodeState(plan: PlanJson["images"][number] | undefined, newest: BuildRecord | undefined): GraphNodeState {
  if (newest?.status === "running") return "building";
  if (plan === undefined) return newest === undefined ? "unknown" : newest.status === "failed" ? "failed" : "unknown";
  if (plan.action === "up-to-date") return "up-to-date";
  return newest?.status === "failed" ? "failed" : "rebuild";
}

/** The image DAG with each image's newest version and what the plan of now would rebuild, and why. */
export async function loadGraph(context: AppContext): Promise<GraphPage> {
  const images = context.loaded.config.images;
  let plan: PlanJson | undefined;
  let planError: string | undefined;
  try {
    plan = await planImages(context, { images: [] });
  } catch (error) {
    planError = error instanceof Error ? error.message : String(error);
  }
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const reasons: Record<string, string[]> = {};
  for (const [name, image] of Object.entries(images)) {
    const [newest] = await context.store.listBuilds({ image: name, limit: 1 });
    const [newestOk] = newest?.status === "succeeded" ? [newest] : await context.store.listBuilds({ image: name, status: "succeeded", limit: 1 });
    const planned = plan?.images.find((i) => i.image === name);
    if (planned?.action === "build") reasons[name] = planned.reasons.map((r) => r.text);
    nodes.push({
      id: name,
      state: nodeState(planned, newest),
      href: `/images/${encodeURIComponent(name)}`,
      ...(newestOk?.tag === undefined ? {} : { version: newestOk.tag }),
    });
    const parent = image.from;
    if (parent === undefined) continue;
    if (images[parent] === undefined && !nodes.some((n) => n.id === parent)) nodes.push({ id: parent, state: "up-to-date", external: true });
    edges.push({ from: parent, to: name });
  }
  return { nodes, edges, reasons, ...(planError === undefined ? {} : { planError }) };
}

export function renderGraph(data: GraphPage): Html {
  const rebuilding = Object.entries(data.reasons);
  const live = html`<figure class="graph">
      ${raw(drawGraph(data.nodes, data.edges))}
      <figcaption>Each image with its newest version, as the plan of now would treat it.</figcaption>
    </figure>
    ${data.planError === undefined ? "" : html`<p class="error">No plan: ${data.planError}</p>`}
    <section>
      <h2>What rebuilds, and why</h2>
      ${
        rebuilding.length === 0
          ? html`<p>Nothing: every image is up to date.</p>`
          : html`<ul class="reasons">
              ${rebuilding.map(
                ([image, why]) =>
                  html`<li data-image="${image}">
                    <strong><a href="/images/${encodeURIComponent(image)}">${image}</a></strong> ${badge(STATE_WORDS.rebuild)}: ${why.join("; ")}
                  </li>`,
              )}
            </ul>`
      }
    </section>
    <section>
      <h2>Images</h2>
      <ul>
        ${data.nodes
          .filter((n) => n.external !== true)
          .map(
            (n) =>
              html`<li>
                <a href="${n.href ?? "#"}">${n.id}</a>:
                ${STATE_WORDS[n.state]}${n.version === undefined ? "" : html`, newest <span class="mono">${n.version}</span>`}
              </li>`,
          )}
      </ul>
    </section>`;
  return html`<h1>Build graph</h1>
    ${liveRegion("/graph", live)}`;
}

export function renderImageBuilds(image: string, builds: readonly BuildRecord[]): Html {
  return html`<h1>Builds of ${image}</h1>
    ${liveRegion(
      `/images/${encodeURIComponent(image)}`,
      builds.length === 0
        ? html`<p>Never built.</p>`
        : html`<ol class="builds">
            ${builds.map(
              (b) =>
                html`<li id="build-${b.id}">
                  <h2>#${b.id} ${badge(b.status)} ${b.tag === undefined ? "" : html`<span class="mono">${b.tag}</span>`}</h2>
                  <p>
                    started ${when(b.startedAt)} ·
                    ${duration(b.startedAt, b.finishedAt)}${b.digest === undefined ? "" : html` · <span class="mono">${b.digest}</span>`}
                  </p>
                  ${b.reasons.length === 0 ? "" : html`<p>Why: ${b.reasons.map(reasonText).join("; ")}</p>`}
                  ${b.error === undefined ? "" : html`<p class="error">${redactText(b.error)}</p>`}
                  ${b.log.trim() === "" ? "" : html`<details${b.status === "failed" ? " open" : ""}><summary>Build and test output</summary><pre class="log">${redactText(b.log)}</pre></details>`}
                </li>`,
            )}
          </ol>`,
    )}
    <p><a href="/graph">The build graph</a></p>`;
}

/** A stored build reason in words; one Slipway cannot read (an older format) as its JSON. */
function reasonText(reason: unknown): string {
  try {
    return describeReason(reason as Reason);
  } catch {
    return JSON.stringify(reason);
  }
}
