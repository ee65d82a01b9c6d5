import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { AppContext } from "../app/index.js";
import type { SessionRecord, Store } from "../store/index.js";
import { loggedPath } from "../server/logged-path.js";
import { DASHBOARD_CSS } from "./dashboard-css.js";
import type { EventHub } from "./event-hub.js";
import { html, type Html } from "./html.js";
import { notice, page, type PageInput, type Viewer } from "./layout.js";
import { registerDashboardPages } from "./dashboard-pages.js";
import { registerDashboardActions, type DashboardActionDeps } from "./dashboard-actions.js";
import { registerLiveEvents } from "./live-events.js";
import { crossSite, csrfMatches, csrfToken, SESSION_COOKIE, sessionOf, signIn, signOut } from "./sessions.js";
import { renderSignIn, safeNext } from "./sign-in-page.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in session and its secret (from the cookie), on every dashboard page but sign-in and the assets. */
    session?: { readonly record: SessionRecord; readonly secret: string };
  }
}

export interface DashboardOptions extends DashboardActionDeps {
  /** The store sessions are kept in (never a fenced one: signing in is no leader's business). */
  readonly sessions: Store;
  readonly context: AppContext;
  readonly hub: EventHub;
  /** How long a session lasts. */
  readonly sessionTtlMs: number;
  readonly logger: FastifyInstance["log"];
  /** The scheduler's next run of a job, for the jobs page. */
  readonly nextRun: (job: string) => Date | undefined;
}

/** What a page handler returns: a page's parts; the server wraps it with the viewer. */
export type Render = (viewer: Viewer) => Promise<Omit<PageInput, "viewer">>;

const require = createRequire(import.meta.url);

/** The browser's parts, served from the package itself: htmx and its SSE extension, and the style sheet. */
function assets(): Record<string, { type: string; body: string }> {
  return {
    "htmx.min.js": { type: "text/javascript; charset=utf-8", body: readFileSync(require.resolve("htmx.org/dist/htmx.min.js"), "utf8") },
    "sse.js": { type: "text/javascript; charset=utf-8", body: readFileSync(require.resolve("htmx-ext-sse/dist/sse.js"), "utf8") },
    "dashboard.css": { type: "text/css; charset=utf-8", body: DASHBOARD_CSS },
  };
}

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
};

function viewerOf(request: FastifyRequest): Viewer {
  const session = request.session;
  if (session === undefined) throw new Error("a dashboard page was reached without a session");
  return { name: session.record.tokenName, readOnly: session.record.readOnly, csrf: csrfToken(session.secret) };
}

/**
 * The dashboard, on a port of its own under /: pages rendered on the server, live through
 * Server-Sent Events, signed in with an API token that opens a session (an HttpOnly,
 * SameSite=Strict cookie, Secure behind TLS). Every POST must come from this site (Sec-Fetch-Site,
 * Origin) and carry the session's form token; read-only tokens see and cannot act.
 */
export function createDashboard(options: DashboardOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger.child({ part: "dashboard" }),
    trustProxy: "loopback",
    bodyLimit: 64 * 1024,
    disableRequestLogging: true,
    forceCloseConnections: true,
  });
  const files = assets();
  const flashes = new Map<string, { kind: "ok" | "error"; text: string }>();

  void app.register(fastifyCookie);
  void app.register(fastifyFormbody);

  app.addHook("onSend", async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });

  app.get<{ Params: { name: string } }>("/assets/:name", async (request, reply) => {
    const file = files[request.params.name];
    if (file === undefined) return reply.code(404).type("text/plain").send("no such asset");
    return reply.type(file.type).header("cache-control", "public, max-age=3600").send(file.body);
  });

  app.get<{ Querystring: { next?: string } }>("/sign-in", async (request, reply) =>
    sendPage(reply, html`${renderSignIn(safeNext(request.query.next))}`, "Sign in"),
  );

  app.post<{ Body: { token?: string; next?: string } }>("/sign-in", async (request, reply) => {
    const refused = crossSite(request.headers, request.headers.host);
    if (refused !== undefined) return forbidden(reply, `Sign-in refused: ${refused}.`);
    const next = safeNext(request.body?.next);
    const opened = await signIn(options.sessions, String(request.body?.token ?? ""), options.sessionTtlMs);
    if (opened === undefined) {
      request.log.warn({ from: request.ip }, "dashboard sign-in refused: not a live token");
      return sendPage(reply.code(401), renderSignIn(next, "That token is not valid: it is mistyped, revoked, or of another Slipway."), "Sign in");
    }
    await options.sessions.appendAudit({
      actor: opened.session.tokenName,
      action: "dashboard.sign-in",
      subject: opened.session.tokenName,
      detail: { from: request.ip },
    });
    reply.setCookie(SESSION_COOKIE, opened.secret, {
      path: "/",
      httpOnly: true,
      sameSite: "strict",
      secure: request.protocol === "https",
      maxAge: Math.floor(options.sessionTtlMs / 1000),
    });
    return reply.code(303).header("location", next).send();
  });

  // Every other page needs a session; a state-changing request also needs to come from this site with the session's form token.
  app.addHook("preHandler", async (request, reply) => {
    const path = loggedPath(request.url);
    if (path.startsWith("/assets/") || path === "/sign-in") return undefined;
    const secret = request.cookies[SESSION_COOKIE];
    const record = await sessionOf(options.sessions, secret);
    if (record === undefined || secret === undefined) {
      if (request.method === "GET" && path !== "/events")
        return reply
          .code(303)
          .header("location", `/sign-in?next=${encodeURIComponent(request.url)}`)
          .send();
      return reply.code(401).type("text/plain").send("sign in first: the session is missing or has ended");
    }
    request.session = { record, secret };
    if (request.method === "GET" || request.method === "HEAD") return undefined;
    const refused = crossSite(request.headers, request.headers.host);
    if (refused !== undefined) return forbidden(reply, `Refused: ${refused}.`);
    const body = request.body as { csrf?: unknown } | undefined;
    const presented = typeof body?.csrf === "string" ? body.csrf : request.headers["x-csrf-token"];
    if (!csrfMatches(secret, typeof presented === "string" ? presented : undefined)) {
      request.log.warn({ path, token: record.tokenName }, "dashboard action refused: no valid form token");
      return forbidden(reply, "Refused: the form token is missing or wrong. Reload the page and try again.");
    }
    if (record.readOnly && path !== "/sign-out") return forbidden(reply, `The token ${record.tokenName} is read-only: it can see and cannot act.`);
    return undefined;
  });

  app.post("/sign-out", async (request, reply) => {
    await signOut(options.sessions, request.session?.secret);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return reply.code(303).header("location", "/sign-in").send();
  });

  /** Shows a page for the signed-in viewer, with the notice an action left for it. */
  const show = async (request: FastifyRequest, reply: FastifyReply, render: Render): Promise<FastifyReply> => {
    const viewer = viewerOf(request);
    const parts = await render(viewer);
    const key = request.session?.record.idHash ?? "";
    const flash = flashes.get(key);
    if (flash !== undefined) flashes.delete(key);
    const body = flash === undefined ? parts.body : html`${notice(flash.kind, flash.text)}${parts.body}`;
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(page({ ...parts, body, viewer }).text);
  };
  const flash = (request: FastifyRequest, kind: "ok" | "error", text: string): void => {
    const key = request.session?.record.idHash;
    if (key === undefined) return;
    flashes.set(key, { kind, text });
    if (flashes.size > 1000) flashes.delete(flashes.keys().next().value ?? key);
  };

  registerLiveEvents(app, options.hub);
  registerDashboardPages(app, { context: options.context, nextRun: options.nextRun, show });
  registerDashboardActions(app, { ...options, viewerOf, flash });

  app.setNotFoundHandler(async (request, reply) =>
    request.session === undefined
      ? reply.code(404).type("text/plain").send("not found")
      : show(request, reply.code(404), async () => ({
          title: "Not found",
          section: "none",
          body: html`<h1>Not found</h1>
            <p><a href="/">The overview</a></p>`,
        })),
  );

  app.setErrorHandler(async (error, request, reply) => {
    request.log.error({ err: error, path: loggedPath(request.url) }, "dashboard page failed");
    return reply
      .code(500)
      .type("text/html; charset=utf-8")
      .send(
        page({
          title: "Error",
          section: "none",
          body: html`<h1>Something went wrong</h1>
            <p>Slipway hit a bug; the controller's log has the details.</p>`,
        }).text,
      );
  });

  return app;
}

function sendPage(reply: FastifyReply, body: Html, title: string): FastifyReply {
  return reply
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(page({ title, section: "none", body }).text);
}

function forbidden(reply: FastifyReply, message: string): FastifyReply {
  return sendPage(
    reply.code(403),
    html`<h1>Forbidden</h1>
      ${notice("error", message)}
      <p><a href="/">The overview</a></p>`,
    "Forbidden",
  );
}
