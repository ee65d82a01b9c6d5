import { parseReference, type ImageReference } from "../reference/index.js";
import { redactText } from "../util/secret.js";
import { html, type Html } from "./html.js";

/** Who is looking: the token's name, whether it may act, and the form token its actions carry. */
export interface Viewer {
  readonly name: string;
  readonly readOnly: boolean;
  readonly csrf: string;
}

export interface PageInput {
  readonly title: string;
  /** Which entry of the navigation is this page's. */
  readonly section: "overview" | "graph" | "pipelines" | "jobs" | "updates" | "none";
  readonly viewer?: Viewer;
  /** What the page shows live: the event topics (src/web/event-topics.ts) that make it refresh its #live part. */
  readonly topics?: readonly string[];
  readonly body: Html;
}

const NAV: readonly { section: PageInput["section"]; href: string; label: string }[] = [
  { section: "overview", href: "/", label: "Overview" },
  { section: "graph", href: "/graph", label: "Build graph" },
  { section: "pipelines", href: "/pipelines", label: "Pipelines" },
  { section: "jobs", href: "/jobs", label: "Jobs" },
  { section: "updates", href: "/updates", label: "Auto-updates" },
];

/** A whole page: head, navigation, the signed-in name with sign-out, and the body; live pages listen for events (htmx's SSE extension). */
export function page(input: PageInput): Html {
  const { viewer, topics } = input;
  const live = topics !== undefined && topics.length > 0 && viewer !== undefined;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · Slipway</title>
<link rel="stylesheet" href="/assets/dashboard.css">
${viewer === undefined ? "" : html`<meta name="csrf-token" content="${viewer.csrf}" />`}
<script src="/assets/htmx.min.js" defer></script>
<script src="/assets/sse.js" defer></script>
</head>
<body${live ? html` hx-ext="sse" sse-connect="/events?topics=${encodeURIComponent((topics ?? []).join(","))}"` : ""}>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/">Slipway</a>
${
  viewer === undefined
    ? ""
    : html`<nav aria-label="Sections">
          <ul>
            ${NAV.map((n) => html`<li><a href="${n.href}" ${n.section === input.section ? html` aria-current="page"` : ""}>${n.label}</a></li>`)}
          </ul>
        </nav>
        <form class="who" method="post" action="/sign-out">
          <span>${viewer.name}${viewer.readOnly ? " (read-only)" : ""}</span>${csrfField(viewer)}<button type="submit">Sign out</button>
        </form>`
}
</header>
<main id="main">
${input.body}
</main>
</body>
</html>`;
}

/**
 * The part of a page that refreshes itself on an event: fetched again and its content swapped in
 * place (htmx). The region itself stays, so an event that arrives while a refresh is in flight
 * queues one more refresh (hx-sync queue last): the page always ends on the newest state.
 */
export function liveRegion(path: string, content: Html): Html {
  return html`<div
    id="live"
    hx-get="${path}"
    hx-trigger="sse:refresh delay:30ms"
    hx-select="#live-content"
    hx-target="#live-content"
    hx-swap="outerHTML"
    hx-sync="this:queue last"
    aria-live="polite"
  >
    <div id="live-content">${content}</div>
  </div>`;
}

export function csrfField(viewer: Viewer): Html {
  return html`<input type="hidden" name="csrf" value="${viewer.csrf}" />`;
}

/** A form with one button that POSTs to `action`, or nothing for a read-only viewer (who sees and cannot act). */
export function actionButton(viewer: Viewer, action: string, label: string, fields: Readonly<Record<string, string>> = {}, className = ""): Html {
  if (viewer.readOnly) return html``;
  return html`<form class="action" method="post" action="${action}">
    ${csrfField(viewer)}${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}<button
      type="submit"
      ${className === "" ? "" : html` class="${className}"`}
    >
      ${label}
    </button>
  </form>`;
}

/** A status as a word with a class, so it reads without colour: succeeded, failed, rolled-back, running… */
export function badge(status: string): Html {
  return html`<span class="badge badge-${status.replace(/[^a-z-]/g, "")}">${status}</span>`;
}

/** One recorded step (of a deployment or a pipeline run): its name, outcome, duration, error, and what else the page says of it. */
export function stepItem(
  step: { name: string; status: string; startedAt: string | Date; finishedAt?: string | Date; error?: string },
  extra: Html = html``,
): Html {
  return html`<li class="step step-${step.status}">
    <span class="step-name">${step.name}</span> ${badge(step.status)} <span class="muted">${duration(step.startedAt, step.finishedAt)}</span>${
      step.error === undefined ? "" : html`<div class="error">${redactText(step.error)}</div>`
    }${extra}
  </li>`;
}

/** A time as text people read (UTC, to the second) in a <time> element carrying the exact instant. */
export function when(iso: string | Date | undefined): Html {
  if (iso === undefined) return html`<span class="muted">never</span>`;
  const date = typeof iso === "string" ? new Date(iso) : iso;
  const text = date
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
  return html`<time datetime="${date.toISOString()}">${text}</time>`;
}

/** A duration between two instants, e.g. 1.4 s, 2 min 5 s; "running" when it has not ended. */
export function duration(from: string | Date, to: string | Date | undefined): string {
  if (to === undefined) return "running";
  const ms = new Date(to).getTime() - new Date(from).getTime();
  if (ms < 1000) return `${Math.max(0, ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A reference parsed, or undefined for text that is not one (a record of an older format). */
function parsed(reference: string | undefined): ImageReference | undefined {
  if (reference === undefined) return undefined;
  try {
    return parseReference(reference);
  } catch {
    return undefined;
  }
}

/** The tag (or short digest) of an image reference: what people call its version. */
export function versionOf(reference: string | undefined): string | undefined {
  const ref = parsed(reference);
  return ref?.tag ?? shortDigest(ref?.digest);
}

/** The digest a revision runs: recorded with it, or pinned in its reference (name:tag@sha256:…). */
export function digestOf(revision: { readonly digest?: string; readonly image: string } | undefined): string | undefined {
  if (revision === undefined) return undefined;
  return revision.digest ?? parsed(revision.image)?.digest;
}

export function shortDigest(digest: string | undefined): string | undefined {
  return digest?.replace(/^sha256:/, "").slice(0, 12);
}

export function servicePath(service: string, environment: string): string {
  return `/services/${encodeURIComponent(service)}/${encodeURIComponent(environment)}`;
}

/** A message at the top of a page: what an action did or why it was refused. */
export function notice(kind: "ok" | "error", text: string): Html {
  return html`<p class="notice notice-${kind}" role="${kind === "error" ? "alert" : "status"}">${text}</p>`;
}
