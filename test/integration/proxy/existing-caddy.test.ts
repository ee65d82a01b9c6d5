import { test } from "node:test";
import assert from "node:assert/strict";
import { connectProxy } from "../../../src/proxy/index.js";
import { freePort, startUpstream, startUserCaddy, waitForBody, type TestContext } from "./helpers.js";

/** A Caddy someone runs with `apps` as given: Slipway's first route must go in, and what was there must stay. */
async function firstRouteOn(t: TestContext, apps: Record<string, unknown> | undefined) {
  const caddy = await startUserCaddy(t, apps === undefined ? {} : { apps });
  const before = await caddy.config();
  const proxy = await connectProxy(caddy.adminUrl);
  assert.deepEqual(await proxy.listRoutes(), [], "a Caddy without Slipway's routes lists none");
  assert.equal(await proxy.upstreamsOf("web"), undefined);
  const v1 = await startUpstream(t, "v1");
  const port = await freePort();

  await proxy.setRoute({ id: "web", listen: { host: "127.0.0.1", port }, upstreams: [v1] });

  await waitForBody(`http://127.0.0.1:${port}/`, "v1");
  assert.deepEqual(
    (await proxy.listRoutes()).map((r) => r.id),
    ["web"],
  );
  return { caddy, before, after: await caddy.config() };
}

test("an existing Caddy with an empty config gets an HTTP app on the first route, and keeps its admin settings", async (t) => {
  const { before, after } = await firstRouteOn(t, undefined);
  assert.deepEqual(after.admin, before.admin);
  assert.deepEqual(Object.keys(after).sort(), ["admin", "apps"]);
});

test("an existing Caddy whose apps are empty takes the first route", async (t) => {
  const { after } = await firstRouteOn(t, {});
  assert.deepEqual(Object.keys(after.apps as object), ["http"]);
});

test("an existing Caddy with only a TLS app takes the first route and keeps its TLS app as it was", async (t) => {
  const tls = { session_tickets: { disabled: true } };
  const { before, after } = await firstRouteOn(t, { tls });
  assert.deepEqual((after.apps as { tls: unknown }).tls, (before.apps as { tls: unknown }).tls);
  assert.deepEqual((after.apps as { tls: unknown }).tls, tls);
});

test("an existing Caddy with a server of its own takes the first route beside it; that server still answers, unchanged", async (t) => {
  const theirsPort = await freePort();
  const theirs = {
    listen: [`127.0.0.1:${theirsPort}`],
    automatic_https: { disable: true },
    routes: [{ handle: [{ handler: "static_response", body: "theirs" }] }],
  };
  const { after } = await firstRouteOn(t, { http: { servers: { theirs } } });
  const servers = (after.apps as { http: { servers: Record<string, unknown> } }).http.servers;
  assert.deepEqual(servers.theirs, theirs);
  assert.deepEqual(Object.keys(servers).sort(), ["slipway-web", "theirs"]);
  await waitForBody(`http://127.0.0.1:${theirsPort}/`, "theirs");
});
