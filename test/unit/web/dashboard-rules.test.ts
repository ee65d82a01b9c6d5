import assert from "node:assert/strict";
import { test } from "node:test";
import { concerns, parseTopics, serviceTopic, topicsOf } from "../../../src/web/event-topics.js";
import { escapeHtml, html, raw } from "../../../src/web/html.js";
import { duration, versionOf } from "../../../src/web/layout.js";
import { cellHealth, healthFromStatus, quickDrift, type ReplicaView } from "../../../src/web/overview.js";
import { crossSite, csrfMatches, csrfToken } from "../../../src/web/sessions.js";
import { safeNext } from "../../../src/web/sign-in-page.js";
import { specDiff } from "../../../src/web/spec-diff.js";
import { nodeState } from "../../../src/web/graph-page.js";
import { availableReference } from "../../../src/web/updates-page.js";
import { renderPipelineRun } from "../../../src/web/pipelines-page.js";

test("html escapes every interpolated value, keeps Html and raw markup, and drops nothing but undefined, null and false", () => {
  const tag = html; // not named html here, so the formatter leaves these templates as written
  const name = `<script>alert("x")</script>&'`;
  assert.equal(tag`<p>${name}</p>`.text, "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>");
  assert.equal(tag`<a title="${'" onclick="x'}">`.text, '<a title="&quot; onclick=&quot;x">');
  assert.equal(tag`<ul>${["a<", tag`<b>b</b>`]}</ul>`.text, "<ul>a&lt;<b>b</b></ul>");
  assert.equal(tag`${undefined}${null}${false}${0}${raw("<svg/>")}`.text, "0<svg/>");
  assert.equal(escapeHtml("a&b"), "a&amp;b");
});

test("an event's topics reach the pages that show it, and only those", () => {
  assert.deepEqual(topicsOf({ kind: "deployment", id: 3, service: "web", environment: "prod" }), ["overview", "deployments", "service:web@prod"]);
  assert.deepEqual(topicsOf({ kind: "deployment", id: 3 }), ["overview", "deployments"]);
  assert.deepEqual(topicsOf({ kind: "pipeline", id: 12, environment: "prod" }), ["pipelines", "pipeline:12"]);
  assert.deepEqual(topicsOf({ kind: "job", id: 1, job: "nightly" }), ["jobs", "job:nightly"]);
  assert.deepEqual(topicsOf({ kind: "build", id: 1, image: "app" }), ["builds", "image:app"]);
  assert.deepEqual(topicsOf({ kind: "watch", key: "auto-update:web:prod:last" }), ["overview", "updates"]);
  assert.deepEqual(topicsOf({ kind: "watch", key: "source:app1@develop" }), []);
  assert.deepEqual(topicsOf({ kind: "changed" }), ["*"]);
  const servicePage = parseTopics(serviceTopic("web", "prod"));
  assert.ok(concerns(servicePage, topicsOf({ kind: "deployment", id: 3, service: "web", environment: "prod" })));
  assert.ok(!concerns(servicePage, topicsOf({ kind: "deployment", id: 4, service: "api", environment: "prod" })));
  assert.ok(concerns(servicePage, ["*"]), "another process's write concerns every page");
  assert.deepEqual([...parseTopics("overview, bad topic!,<x>,pipeline:1")], ["overview", "pipeline:1"]);
  assert.equal(parseTopics(Array.from({ length: 50 }, (_, i) => `t${i}`).join(",")).size, 20);
});

test("a cross-site request is told by Sec-Fetch-Site or an Origin of another host; a same-origin one passes", () => {
  const host = "127.0.0.1:8421";
  assert.equal(crossSite({ "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:8421" }, host), undefined);
  assert.equal(crossSite({ "sec-fetch-site": "none" }, host), undefined, "typed into the address bar");
  assert.equal(crossSite({}, host), undefined, "a client that sends neither (curl)");
  assert.match(crossSite({ "sec-fetch-site": "cross-site" }, host) ?? "", /cross-site/);
  assert.match(crossSite({ "sec-fetch-site": "same-site" }, host) ?? "", /same-site/, "another port of the same host is another origin");
  assert.match(crossSite({ origin: "http://127.0.0.1:9999" }, host) ?? "", /another site/);
  assert.match(crossSite({ origin: "null" }, host) ?? "", /opaque/);
  assert.match(crossSite({ origin: "not a url" }, host) ?? "", /not a URL/);
});

test("the form token is the session's own: another session's, a changed one and none are refused", () => {
  const a = "A".repeat(43);
  const b = "B".repeat(43);
  assert.ok(csrfMatches(a, csrfToken(a)));
  assert.ok(!csrfMatches(a, csrfToken(b)));
  assert.ok(!csrfMatches(a, `${csrfToken(a)}x`));
  assert.ok(!csrfMatches(a, undefined));
  assert.notEqual(csrfToken(a), a, "the form token does not reveal the session's secret");
});

test("after sign-in only a path of the dashboard itself is followed", () => {
  assert.equal(safeNext("/services/web/prod?from=1"), "/services/web/prod?from=1");
  for (const bad of ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/a\r\nSet-Cookie: x", undefined, 42])
    assert.equal(safeNext(bad), "/");
});

test("a replica's health is read from its status; drift from the container list", () => {
  assert.equal(healthFromStatus("Up 5 minutes (healthy)"), "healthy");
  assert.equal(healthFromStatus("Up 2 seconds (health: starting)"), "starting");
  assert.equal(healthFromStatus("Up 1 hour (unhealthy)"), "unhealthy");
  assert.equal(healthFromStatus("Exited (1) 3 seconds ago"), undefined);
  const replica = (name: string, revision: number, state = "running", health?: ReplicaView["health"]): ReplicaView => ({
    name,
    revision,
    state,
    ...(health === undefined ? {} : { health }),
  });
  assert.deepEqual(quickDrift(2, 2, [replica("web-r2-1", 2), replica("web-r2-2", 2)]), []);
  assert.deepEqual(quickDrift(2, 2, [replica("web-r2-1", 2), replica("web-r2-2", 2, "exited"), replica("web-r1-1", 1)]), [
    "1 of 2 replicas running",
    "web-r2-2 exited",
    "1 container(s) of other revisions (1)",
  ]);
  assert.deepEqual(quickDrift(2, 1, [replica("web-r2-1", 2, "running", "unhealthy")]), ["web-r2-1 unhealthy"]);
  assert.deepEqual(quickDrift(undefined, 0, [replica("web-r1-1", 1)]), [], "a service never deployed has nothing to drift from");
});

test("a cell is as healthy as its worst part", () => {
  const up = { name: "a", revision: 2, state: "running" };
  assert.equal(cellHealth({ wanted: 0, replicas: [] }), "not-deployed");
  assert.equal(cellHealth({ wanted: 0, replicas: [], last: { id: 1, status: "running", trigger: "cli", startedAt: new Date() } }), "progressing");
  assert.equal(cellHealth({ revision: 2, wanted: 1, replicas: [up] }), "healthy");
  assert.equal(cellHealth({ revision: 2, wanted: 2, replicas: [up] }), "degraded");
  assert.equal(cellHealth({ revision: 2, wanted: 1, replicas: [{ ...up, health: "unhealthy" }] }), "degraded");
  assert.equal(cellHealth({ revision: 2, wanted: 1, replicas: [{ ...up, health: "starting" }] }), "progressing");
  assert.equal(cellHealth({ revision: 2, wanted: 1, replicas: [{ ...up, state: "exited" }] }), "down");
  assert.equal(cellHealth({ revision: 2, wanted: 1, replicas: [{ ...up, revision: 1 }] }), "down", "only an old revision runs");
  assert.equal(cellHealth({ revision: 2, wanted: 0, replicas: [] }), "healthy", "taken down on purpose");
  assert.equal(cellHealth({ revision: 2, wanted: 1, replicas: [up], unreachable: "no engine" }), "unknown");
});

test("a spec difference names each changed field and never shows a secret's value", () => {
  const before = { image: "app:1", replicas: 1, env: { MODE: "a", DB_PASSWORD: "hunter2", PLAIN: "x" }, secretEnv: ["PLAIN"] };
  const after = { image: "app:2", replicas: 1, env: { MODE: "b", DB_PASSWORD: "swordfish", PLAIN: "y" }, secretEnv: ["PLAIN"], ports: [] };
  const changes = specDiff(before, after);
  assert.deepEqual(changes, [
    { path: "env.MODE", before: '"a"', after: '"b"' },
    { path: "image", before: '"app:1"', after: '"app:2"' },
    { path: "ports", after: "[]" },
  ]);
  assert.doesNotMatch(JSON.stringify(changes), /hunter2|swordfish|"x"|"y"/);
});

test("versions are read from references; durations in words", () => {
  assert.equal(versionOf("127.0.0.1:5000/team/app:20261207T101500Z@sha256:" + "a".repeat(64)), "20261207T101500Z");
  assert.equal(versionOf("127.0.0.1:5000/team/app:v1"), "v1");
  assert.equal(versionOf("127.0.0.1:5000/team/app@sha256:" + "b".repeat(64)), "bbbbbbbbbbbb");
  assert.equal(versionOf("127.0.0.1:5000/team/app"), undefined);
  assert.equal(duration("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.250Z"), "250 ms");
  assert.equal(duration("2026-01-01T00:00:00Z", "2026-01-01T00:00:04.2Z"), "4.2 s");
  assert.equal(duration("2026-01-01T00:00:00Z", "2026-01-01T00:02:05Z"), "2 min 5 s");
  assert.equal(duration("2026-01-01T00:00:00Z", undefined), "running");
});

test("a graph node is failed when its rebuild's newest build failed, building while one runs", () => {
  const build = { image: "app", action: "build" as const, reasons: [] };
  const upToDate = { image: "app", action: "up-to-date" as const, fingerprint: "f", digest: "d" };
  const record = (status: "running" | "failed" | "succeeded") => ({ status }) as Parameters<typeof nodeState>[1];
  assert.equal(nodeState(upToDate, undefined), "up-to-date");
  assert.equal(nodeState(build, record("succeeded")), "rebuild");
  assert.equal(nodeState(build, record("failed")), "failed");
  assert.equal(nodeState(build, record("running")), "building");
  assert.equal(nodeState(undefined, undefined), "unknown");
});

test("an available update deploys the followed tag pinned to the checked digest", () => {
  const digest = `sha256:${"c".repeat(64)}`;
  assert.equal(availableReference("myorg/foo:qa", { tag: "qa", digest }), `myorg/foo:qa@${digest}`);
  assert.equal(availableReference("registry.example.com:5000/foo:1", { tag: "1.2", digest }), `registry.example.com:5000/foo:1.2@${digest}`);
});

test("a pipeline run's page shows a failed build with the failing test and its output, redacted", () => {
  const at = new Date("2026-12-07T10:00:00Z");
  const later = new Date("2026-12-07T10:00:05Z");
  const page = renderPipelineRun({
    run: {
      id: 7,
      environment: "prod",
      source: "app1",
      branch: "main",
      commit: "a".repeat(40),
      trigger: "webhook:github",
      status: "failed",
      startedAt: at,
      finishedAt: later,
      error: "a build or test failed",
      summary: {},
    },
    steps: [
      {
        runId: 7,
        seq: 1,
        name: "plan",
        status: "done",
        detail: { toBuild: ["app1-prod"], reasons: { "app1-prod": ["source app1 moved 1234567 -> 89abcde: app1/report.sh"] } },
        startedAt: at,
        finishedAt: at,
      },
      { runId: 7, seq: 2, name: "build", status: "failed", detail: {}, startedAt: at, finishedAt: later, error: "a build or test failed" },
    ],
    builds: [
      {
        id: 3,
        image: "app1-prod",
        status: "failed",
        reasons: [],
        inputs: {},
        startedAt: at,
        finishedAt: later,
        error: 'test "pipeline script runs" failed: exit code 1',
        log: "running the pipeline script\nTraceback: KeyError 'x'\n",
      },
    ],
  }).text;
  assert.match(page, /source app1 moved 1234567 -&gt; 89abcde: app1\/report.sh/);
  assert.match(page, /test &quot;pipeline script runs&quot; failed: exit code 1/);
  assert.match(
    page,
    /<details open>\s*<summary>Output of app1-prod<\/summary>\s*<pre class="log">running the pipeline script\nTraceback: KeyError &#39;x&#39;/,
  );
});
