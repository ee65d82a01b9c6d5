import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runSlipway } from "../../harness/cli.js";
import { freePort } from "../proxy/helpers.js";
import { startServe } from "../server/serve-process.js";

test("slipway serve --dashboard serves the dashboard on its own port: sign-in, then the overview, with the safety headers", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "slipway-serve-dashboard-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "slipway.yml"), "services: {}\n");
  const created = await runSlipway(["--state-dir", join(dir, "state"), "token", "create", "dana"], { cwd: dir });
  assert.equal(created.code, 0, created.stderr);
  const port = await freePort();
  const serve = await startServe(dir, ["--state-dir", join(dir, "state")], await freePort(), ["--dashboard", `127.0.0.1:${port}`]);
  t.after(() => serve.stop());
  const dashboard = `http://127.0.0.1:${port}`;
  assert.match(serve.output(), new RegExp(`"dashboard":"${dashboard}"`), "the log says where the dashboard listens");

  const front = await fetch(`${dashboard}/`, { redirect: "manual" });
  assert.equal(front.status, 303);
  assert.equal(front.headers.get("location"), "/sign-in?next=%2F");
  const signIn = await fetch(`${dashboard}/sign-in`);
  assert.equal(signIn.status, 200);
  assert.match(await signIn.text(), /<label for="token">API token<\/label>/);
  assert.match(signIn.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  assert.equal(signIn.headers.get("x-frame-options"), "DENY");
  assert.equal((await fetch(`${dashboard}/assets/htmx.min.js`)).status, 200, "htmx is served from the package itself");

  const session = await fetch(`${dashboard}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: created.stdout.trim(), next: "/" }),
  });
  assert.equal(session.status, 303);
  const cookie = session.headers.get("set-cookie") ?? "";
  assert.match(cookie, /^slipway_session=[A-Za-z0-9_-]{43};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.doesNotMatch(cookie, /Secure/, "not Secure over plain http (it would never be sent back)");
  // Behind a TLS proxy on this host (X-Forwarded-Proto from loopback), the cookie is Secure.
  const behindTls = await fetch(`${dashboard}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https" },
    body: new URLSearchParams({ token: created.stdout.trim(), next: "/" }),
  });
  assert.match(behindTls.headers.get("set-cookie") ?? "", /; Secure/);
  const overview = await fetch(`${dashboard}/`, { headers: { cookie: cookie.split(";")[0] ?? "" } });
  assert.equal(overview.status, 200);
  assert.match(await overview.text(), /<h1>Overview<\/h1>[\s\S]*No services in slipway.yml yet/);
  // The API's port serves no dashboard, and the dashboard's serves no API.
  assert.equal((await fetch(`${serve.url}/`)).status, 404);
  assert.equal((await fetch(`${dashboard}/api/v1/status`, { headers: { cookie: cookie.split(";")[0] ?? "" } })).status, 404);
});
