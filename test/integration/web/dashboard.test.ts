import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { parseDocument } from "yaml";
import { loadConfig } from "../../../src/config/index.js";
import { startController, type Controller } from "../../../src/controller/controller.js";
import { serviceSelector } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { startManagedProxy, type ProxyHandle } from "../../../src/proxy/index.js";
import { createApiToken } from "../../../src/server/tokens.js";
import { openStore, type Store } from "../../../src/store/index.js";
import { runSlipway } from "../../harness/cli.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels } from "../../harness/labels.js";
import { freePort, startRegistry, type TestRegistry } from "../../harness/registry.js";
import { GIT_ENV } from "../builder/fixture.js";
import { get } from "../proxy/helpers.js";
import { launchBrowser, markWindow, screenshot, windowMarked } from "./browser.js";

/**
 * The dashboard as its users drive it, in Debian's chromium: the data team's example behind a
 * real Caddy and registry, a controller with its dashboard, and tokens a person signs in with.
 * A pipeline started from the page builds and deploys; a deploy and a rollback started from the
 * page show their steps arriving without a reload and the service answers each version; the build
 * graph marks what a commit to infra rebuilds; and the refusals: a wrong token, a forged
 * cross-site POST, a read-only token's actions.
 */
const run = promisify(execFile);
const EXAMPLE = join(dirname(new URL(import.meta.url).pathname), "../../../../examples/data-team");

let root: string;
let dir: string;
let stateDir: string;
let engine: Engine;
let registry: TestRegistry;
let proxy: ProxyHandle;
let store: Store;
let controller: Controller;
let browser: Browser;
let webPort: number;
let fullToken: string;
let viewerToken: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "slipway-dashboard-"));
  dir = join(root, "data-team");
  stateDir = join(root, "state");
  cpSync(EXAMPLE, dir, { recursive: true, filter: (path) => !path.startsWith(join(EXAMPLE, "work")) });
  await run("bash", ["--", join(dir, "prepare.sh")], { env: GIT_ENV });
  engine = await ensureEngine();
  registry = await startRegistry();
  proxy = await startManagedProxy({ stateDir: join(root, "proxy"), adminAddress: `127.0.0.1:${await freePort()}` });
  process.env.SLIPWAY_PROXY_ADMIN = proxy.adminUrl;
  webPort = await freePort();
  await removeReports();

  // The example with this run's registry, port and test labels, and a job to run from the page.
  const document = parseDocument(readFileSync(join(dir, "slipway.yml"), "utf8"));
  document.set("registry", `${registry.host}/data-team`);
  for (const image of ["base", "infra-dev", "infra-prod", "app1-dev", "app1-prod"]) document.setIn(["images", image, "labels"], testLabels());
  document.setIn(["services", "reports", "ports"], [`${webPort}:8080`]);
  // Each new replica must stay up 4 s: long enough to watch a deploy's steps arrive on its page.
  document.setIn(["services", "reports", "health", "settle"], "4s");
  document.set("jobs", { hello: { image: "app1-prod", schedule: "0 0 1 1 *", command: ["sh", "-c", "echo hello from the job; exit 3"] } });
  writeFileSync(join(dir, "slipway.yml"), document.toString());

  const loaded = await loadConfig({ path: join(dir, "slipway.yml"), env: process.env });
  store = openStore({ stateDir });
  fullToken = (await createApiToken(store, "dana")).token;
  viewerToken = (await createApiToken(store, "viewer", { readOnly: true })).token;
  controller = await startController({
    loaded,
    stateDir,
    store,
    engine,
    listen: { host: "127.0.0.1", port: 0 },
    dashboard: { listen: { host: "127.0.0.1", port: 0 }, sessionTtlMs: 3_600_000 },
    logger: false,
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await controller?.stop();
  await store?.close();
  if (engine !== undefined) {
    await removeReports();
    await cleanupTestRun(engine);
  }
  await proxy?.stop();
  await registry?.stop();
  delete process.env.SLIPWAY_PROXY_ADMIN;
  rmSync(root, { recursive: true, force: true });
});

async function removeReports(): Promise<void> {
  for (const container of await engine.listContainers({ labels: serviceSelector("reports", "default"), all: true }))
    await engine.removeContainer(container.id, { force: true });
}

function dashboard(path = "/"): string {
  assert.ok(controller.dashboardUrl, "the dashboard runs");
  return `${controller.dashboardUrl}${path}`;
}

async function signedIn(token: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(dashboard("/"));
  assert.match(page.url(), /\/sign-in\?next=/, "a page asks for sign-in first");
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(dashboard("/"));
  return { context, page };
}

/** Waits until the newest deployment on a service page has finished (the page updating itself); its heading and text. */
async function finished(page: Page, timeoutMs = 60_000): Promise<{ heading: string; text: string }> {
  const article = page.locator("#live article.deployment").first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const heading = (await article.locator("h3").textContent()) ?? "";
    if (!/running/.test(heading)) return { heading, text: await article.innerText() };
    assert.ok(Date.now() < deadline, `the deployment finished within ${timeoutMs} ms: ${await article.innerText()}`);
    await page.waitForTimeout(200);
  }
}

/** The newest deployment shown on a service page: its heading and its steps. */
async function newestDeployment(page: Page): Promise<{ heading: string; steps: number }> {
  const article = page.locator("#live article.deployment").first();
  return { heading: (await article.locator("h3").textContent()) ?? "", steps: await article.locator("li.step").count() };
}

async function answers(expected: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = await get(`http://127.0.0.1:${webPort}/`, 2_000)
      .then((r) => r.body)
      .catch((error: unknown) => String(error));
    if (last.includes(expected)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`the service did not answer "${expected}" within ${timeoutMs} ms; last: ${last}`);
}

test("a wrong token is refused at sign-in, and no page is reachable without a session", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(dashboard("/sign-in"));
  await screenshot(page, "sign-in");
  await page.getByLabel("API token").fill("slw_not-a-real-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").waitFor();
  assert.match((await page.getByRole("alert").textContent()) ?? "", /not valid/);
  assert.equal((await context.cookies()).filter((c) => c.name === "slipway_session").length, 0, "no session cookie for a wrong token");
  for (const path of ["/", "/services/reports/default", "/graph", "/pipelines", "/jobs", "/updates"]) {
    const response = await fetch(dashboard(path), { redirect: "manual" });
    assert.equal(response.status, 303, path);
    assert.match(response.headers.get("location") ?? "", /^\/sign-in\?next=/);
  }
  const events = await fetch(dashboard("/events?topics=overview"));
  assert.equal(events.status, 401, "no live events without a session");
  await context.close();
});

test("a pipeline started from the page builds, tests, pushes and deploys the never-deployed service; its steps arrive live", async () => {
  const { context, page } = await signedIn(fullToken);
  assert.match((await page.locator("table.overview").textContent()) ?? "", /reports[\s\S]*not deployed/);
  await page.getByRole("link", { name: "Pipelines" }).click();
  await page.getByRole("button", { name: /Run pipelines of app1/ }).click();
  await page.getByRole("status").waitFor();
  assert.match((await page.getByRole("status").textContent()) ?? "", /default (started|queued)/);
  await markWindow(page);
  // The run appears in the list without a reload, then its page shows its steps as they come.
  await page.locator("#live a", { hasText: "#" }).first().waitFor({ timeout: 30_000 });
  assert.ok(await windowMarked(page), "the run appeared without a reload");
  await page.locator("#live a", { hasText: "#" }).first().click();
  await markWindow(page);
  const seen = new Set<string>();
  const deadline = Date.now() + 300_000;
  for (;;) {
    for (const name of await page.locator("#live li.step .step-name").allTextContents()) seen.add(name);
    const status = (await page.locator("#live p .badge").first().textContent()) ?? "";
    if (status !== "running") break;
    assert.ok(Date.now() < deadline, "the pipeline finished within 5 minutes");
    await page.waitForTimeout(250);
  }
  await screenshot(page, "pipeline-run");
  assert.equal((await page.locator("#live p .badge").first().textContent()) ?? "", "succeeded", await page.locator("#live").innerText());
  assert.ok(await windowMarked(page), "the steps arrived without a reload");
  for (const step of ["plan", "build", "deploy reports"]) assert.ok(seen.has(step), `step ${step} was shown (saw ${[...seen].join(", ")})`);
  assert.equal(await page.locator("#live ul.builds li").count(), 5, "each image's build is listed");
  await answers("app1 report v1");
  await page.getByRole("link", { name: "Pipelines" }).click();
  await screenshot(page, "pipelines");
  await context.close();
});

test("the overview shows the service with its version; a deploy from the page shows its steps arriving; the rollback button brings the old version back", async () => {
  const { context, page } = await signedIn(fullToken);
  const cell = page.locator('td.cell[data-service="reports"]');
  const [first] = await store.listRevisions("reports", "default", { limit: 1 });
  assert.ok(first, "the pipeline recorded a revision");
  const firstTag = /:([\w.-]+)(?:@|$)/.exec(first.image)?.[1] ?? "no tag";
  assert.match((await cell.textContent()) ?? "", new RegExp(`r1\\s+${firstTag}[\\s\\S]*healthy[\\s\\S]*1/1 up`));
  await screenshot(page, "overview");

  // A new version of the app, built by the CLI beside the controller (one store), deployed from the page.
  await commitApp1('#!/bin/sh\necho "app1 report v2"\n');
  // The image's page stays open while the CLI, another process, builds: the new build appears on it by itself.
  const builds = await context.newPage();
  await builds.goto(dashboard("/images/app1-prod"));
  await markWindow(builds);
  const listed = await builds.locator("#live ol.builds > li").count();
  const build = await runSlipway(["--state-dir", stateDir, "build", "--push"], { cwd: dir, env: { SLIPWAY_PROXY_ADMIN: proxy.adminUrl }, timeoutMs: 300_000 });
  assert.equal(build.code, 0, build.stderr);
  await builds.locator("#live ol.builds > li").nth(listed).waitFor({ timeout: 10_000 });
  assert.ok(await windowMarked(builds), "a build another process recorded appeared without a reload");
  await builds.close();
  await cell.getByRole("link").first().click();
  await page.getByRole("button", { name: "Deploy" }).click();
  await page.waitForURL(dashboard("/services/reports/default"));
  await markWindow(page);
  const landed = await newestDeployment(page);
  assert.match(landed.heading, /r1 → r2\s+running/, `the deploy is under way when the page comes back: ${landed.heading}`);
  const deployed = await finished(page);
  assert.match(deployed.heading, /succeeded/, deployed.text);
  const done = await newestDeployment(page);
  assert.ok(done.steps > landed.steps, `steps arrived while the page was open (${landed.steps} -> ${done.steps})`);
  assert.ok(await windowMarked(page), "without a reload");
  await answers("app1 report v2");
  const audit = await store.listAudit({ subject: "reports" });
  assert.ok(
    audit.some((a) => a.action === "dashboard.deploy" && a.actor === "dana"),
    "the deploy is audited with who did it",
  );
  await screenshot(page, "service");

  // Roll back to r1: a confirmation first, then the old version answers.
  await page.getByRole("link", { name: "Roll back to r1" }).click();
  await page.getByRole("heading", { name: /Roll back reports in default\?/ }).waitFor();
  await screenshot(page, "rollback-confirm");
  await page.getByRole("button", { name: "Roll back to r1" }).click();
  await page.waitForURL(dashboard("/services/reports/default"));
  const rolledBack = await finished(page);
  assert.match(rolledBack.heading, /r2 → r1\s+succeeded/, rolledBack.text);
  await answers("app1 report v1");

  // The spec difference between two revisions, secrets never shown.
  await page.goto(dashboard("/services/reports/default?from=1&to=2#compare"));
  assert.match((await page.locator("#compare").textContent()) ?? "", /image/);
  await context.close();
});

test("the build graph shows the five images; after a commit to infra it marks the three that rebuild, with their reasons", async () => {
  const { context, page } = await signedIn(fullToken);
  await page.getByRole("link", { name: "Build graph" }).click();
  const nodes = page.locator("svg.image-graph g.graph-node");
  assert.equal(await nodes.count(), 5);
  for (const image of ["base", "infra-dev", "infra-prod", "app1-dev", "app1-prod"])
    assert.equal(await page.locator(`svg.image-graph g.graph-node[data-image="${image}"]`).getAttribute("data-state"), "up-to-date", image);
  await commitInfra();
  await page.reload();
  const rebuilding = await page
    .locator('svg.image-graph g.graph-node[data-state="rebuild"]')
    .evaluateAll((els) => els.map((el) => el.getAttribute("data-image")));
  assert.deepEqual(rebuilding.sort(), ["app1-dev", "app1-prod", "infra-prod"]);
  const reasons = await page.locator("ul.reasons li").allTextContents();
  assert.equal(reasons.length, 3);
  assert.match((await page.locator('ul.reasons li[data-image="infra-prod"]').textContent()) ?? "", /source infra moved/);
  assert.match((await page.locator('ul.reasons li[data-image="app1-dev"]').textContent()) ?? "", /parent infra-prod is rebuilt/);
  await screenshot(page, "build-graph");
  await page.locator('svg.image-graph a[href="/images/app1-prod"]').click();
  await page.getByRole("heading", { name: "Builds of app1-prod" }).waitFor();
  await screenshot(page, "image-builds");
  await context.close();
});

test("a job run from the page shows its exit code and its output", async () => {
  const { context, page } = await signedIn(fullToken);
  await page.getByRole("link", { name: "Jobs" }).click();
  await page.getByRole("button", { name: "Run hello now" }).click();
  await page.locator("#job-hello tbody tr").first().waitFor({ timeout: 60_000 });
  await page.locator("#job-hello tbody tr", { hasText: "exit 3" }).first().waitFor({ timeout: 60_000 });
  await screenshot(page, "jobs");
  await page.locator("#job-hello tbody tr").first().getByRole("link", { name: "logs" }).click();
  assert.match((await page.locator("pre.log").textContent()) ?? "", /hello from the job/);
  await page.goto(dashboard("/updates"));
  await screenshot(page, "auto-updates");
  await context.close();
});

test("a forged cross-site POST is refused: without the cookie (SameSite), from another Origin, and without the form token", async () => {
  const { context, page } = await signedIn(fullToken);
  const deployments = (await store.listDeployments({ service: "reports" })).length;
  // A page of another site (another port is another origin) that posts a form to the dashboard.
  const evil: Server = createServer((_request, response) => {
    response.setHeader("content-type", "text/html");
    response.end(
      `<form method="post" action="${dashboard("/services/reports/default/down")}"><input name="csrf" value="guess"></form><script>document.forms[0].submit()</script>`,
    );
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  const evilPort = (evil.address() as { port: number }).port;
  try {
    const landed = page.waitForResponse((r) => r.url().endsWith("/services/reports/default/down"));
    await page.goto(`http://127.0.0.1:${evilPort}/`);
    assert.ok([401, 403].includes((await landed).status()), "the browser's forged POST is refused");

    const cookie = (await context.cookies()).find((c) => c.name === "slipway_session");
    assert.ok(cookie, "the signed-in context has its session cookie");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");
    const csrf = await (
      await context.newPage()
    )
      .goto(dashboard("/"))
      .then(async (r) => /name="csrf-token" content="([^"]+)"/.exec((await r?.text()) ?? "")?.[1]);
    assert.ok(csrf, "the page carries its form token");
    const post = (headers: Record<string, string>, body: string) =>
      fetch(dashboard("/services/reports/default/down"), {
        method: "POST",
        redirect: "manual",
        headers: { cookie: `slipway_session=${cookie.value}`, "content-type": "application/x-www-form-urlencoded", ...headers },
        body,
      });
    assert.equal((await post({ origin: `http://127.0.0.1:${evilPort}` }, `csrf=${encodeURIComponent(csrf)}`)).status, 403, "another Origin");
    assert.equal((await post({ "sec-fetch-site": "cross-site" }, `csrf=${encodeURIComponent(csrf)}`)).status, 403, "Sec-Fetch-Site cross-site");
    assert.equal((await post({}, "csrf=wrong")).status, 403, "a wrong form token");
    assert.equal((await post({}, "")).status, 403, "no form token");
  } finally {
    evil.close();
  }
  assert.equal((await store.listDeployments({ service: "reports" })).length, deployments, "nothing was deployed or taken down");
  await answers("app1 report v1");
  await context.close();
});

test("a read-only token sees every page and has no working action", async () => {
  const { context, page } = await signedIn(viewerToken);
  assert.match((await page.locator("header .who").textContent()) ?? "", /viewer \(read-only\)/);
  const deployments = (await store.listDeployments({ service: "reports" })).length;
  await page.goto(dashboard("/services/reports/default"));
  for (const name of ["Deploy", "Take down"]) assert.equal(await page.getByRole("button", { name }).count(), 0, `no ${name} button`);
  assert.equal(await page.getByRole("link", { name: /Roll back/ }).count(), 0, "no rollback links");
  await page.goto(dashboard("/jobs"));
  assert.equal(await page.getByRole("button", { name: /Run hello/ }).count(), 0, "no run button");
  await page.goto(dashboard("/pipelines"));
  assert.equal(await page.getByRole("button", { name: /Run pipelines/ }).count(), 0, "no pipeline button");
  // Its own session and form token, posted from its own page: still refused.
  const paths = ["/services/reports/default/down", "/services/reports/default/deploy", "/services/reports/default/rollback", "/jobs/hello/runs", "/pipelines"];
  // Run in the page (a string: the test's own types have no DOM).
  const statuses = await page.evaluate(`(async () => {
    const csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
    return Promise.all(${JSON.stringify(paths)}.map(async (path) => (await fetch(path, { method: "POST", body: new URLSearchParams({ csrf, source: "app1", to: "2" }) })).status));
  })()`);
  assert.deepEqual(statuses, [403, 403, 403, 403, 403]);
  assert.equal((await store.listDeployments({ service: "reports" })).length, deployments, "nothing was deployed");
  await answers("app1 report v1");
  await context.close();
});

async function commitApp1(report: string): Promise<void> {
  await commitTo("app1", { "app1/report.sh": report }, ["app1/report.sh"]);
}

async function commitInfra(): Promise<void> {
  await commitTo("infra", { "infra/NOTES.md": "a change to the framework\n" }, []);
}

async function commitTo(repo: string, files: Record<string, string>, executable: string[]): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "slipway-dashboard-clone-"));
  const git = (...args: string[]) => run("git", args, { cwd: work, env: GIT_ENV });
  try {
    await git("clone", "--quiet", "--", join(dir, "work", "remotes", `${repo}.git`), ".");
    for (const [path, content] of Object.entries(files)) {
      const file = join(work, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content, { mode: executable.includes(path) ? 0o755 : 0o644 });
    }
    await git("add", "--all");
    await git("commit", "--quiet", "-m", "a change from the dashboard test");
    await git("push", "--quiet", "origin", "HEAD");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
