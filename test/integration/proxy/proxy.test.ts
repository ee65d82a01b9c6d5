import { test } from "node:test";
import assert from "node:assert/strict";
import { Agent, createServer, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { isSlipwayError } from "../../../src/errors/index.js";
import { connectProxy, waitDrained } from "../../../src/proxy/index.js";
import { freePort, get, startLoad, startRecordingUpstream, startTestProxy, startUpstream, waitForBody } from "./helpers.js";

test("a route to v1 answers v1, and the proxy reports it", async (t) => {
  const { proxy } = await startTestProxy(t);
  const v1 = await startUpstream(t, "v1");
  const port = await freePort();

  await proxy.setRoute({ id: "api-prod", listen: { host: "127.0.0.1", port }, upstreams: [v1], healthPath: "/" });

  await waitForBody(`http://127.0.0.1:${port}/`, "v1");
  assert.deepEqual(await proxy.listRoutes(), [{ id: "api-prod", listen: { host: "127.0.0.1", port }, upstreams: [v1], healthPath: "/" }]);
  assert.deepEqual(await proxy.upstreamsOf("api-prod"), [v1]);
  assert.equal(await proxy.upstreamsOf("nope"), undefined);
});

test("setting a route the proxy already holds as asked changes nothing (a kept-alive connection stays open); any difference is written", async (t) => {
  const { proxy } = await startTestProxy(t);
  const [v1, v2] = [await startUpstream(t, "v1"), await startUpstream(t, "v2")];
  const port = await freePort();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  // A config change replaces Caddy's server, which closes idle kept-alive connections: the local port tells.
  const localPort = (): Promise<number | undefined> =>
    new Promise((resolve, reject) => {
      request(`http://127.0.0.1:${port}/`, { agent }, (res) => {
        const local = res.socket.localPort;
        res.resume();
        res.on("end", () => resolve(local));
      })
        .on("error", reject)
        .end();
    });
  const route = { id: "api-prod", listen: { host: "127.0.0.1", port }, upstreams: [v1, v2], keepAlive: true };

  assert.equal(await proxy.setRoute(route), true);
  const before = await localPort();
  assert.equal(await proxy.setRoute(route), false);
  assert.equal(await proxy.setRoute({ ...route, upstreams: [v2, v1] }), false, "the same upstreams in another order");
  await sleep(200);
  assert.equal(await localPort(), before, "the kept-alive connection was closed: the config was written");

  assert.equal(await proxy.setRoute({ ...route, upstreams: [v2] }), true);
  assert.equal(await proxy.setRoute({ ...route, upstreams: [v2], healthPath: "/" }), true);
  assert.equal(await proxy.setRoute({ ...route, upstreams: [v2], healthPath: "/", keepAlive: false }), true);
  assert.equal(await proxy.setRoute({ ...route, listen: { port }, upstreams: [v2], healthPath: "/", keepAlive: false }), true);
  assert.deepEqual(await proxy.listRoutes(), [{ id: "api-prod", listen: { port }, upstreams: [v2], healthPath: "/" }]);
  await waitForBody(`http://127.0.0.1:${port}/`, "v2");
});

test("a route answers Connection: close unless it keeps connections alive", async (t) => {
  const { proxy } = await startTestProxy(t);
  const v1 = await startUpstream(t, "v1");
  const [closing, keeping] = [await freePort(), await freePort()];
  await proxy.setRoute({ id: "closing", listen: { host: "127.0.0.1", port: closing }, upstreams: [v1] });
  await proxy.setRoute({ id: "keeping", listen: { host: "127.0.0.1", port: keeping }, upstreams: [v1], keepAlive: true });

  const closed = await fetch(`http://127.0.0.1:${closing}/`);
  assert.equal(closed.headers.get("connection"), "close");
  assert.equal(await closed.text(), "v1");
  const kept = await fetch(`http://127.0.0.1:${keeping}/`);
  assert.notEqual(kept.headers.get("connection"), "close");
  assert.equal(await kept.text(), "v1");
  assert.deepEqual(
    (await proxy.listRoutes()).map((r) => [r.id, r.keepAlive ?? false]),
    [
      ["closing", false],
      ["keeping", true],
    ],
  );
});

test("switching v1 -> v2 under 8 closed-loop clients fails no request, and afterwards only v2 answers", async (t) => {
  const { proxy } = await startTestProxy(t);
  const v1 = await startUpstream(t, "v1");
  const v2 = await startUpstream(t, "v2");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  await proxy.setRoute({ id: "web", listen: { host: "127.0.0.1", port }, upstreams: [v1] });
  await waitForBody(url, "v1");

  const load = startLoad(url, { clients: 8, timeoutMs: 1_000 });
  await sleep(1_000);
  await proxy.setRoute({ id: "web", listen: { host: "127.0.0.1", port }, upstreams: [v2] });
  const switchedAt = performance.now();
  await sleep(2_000);
  const samples = await load.stop();

  const failures = samples.filter((s) => s.error !== undefined);
  assert.deepEqual(
    failures.map((s) => s.error),
    [],
    `${failures.length} of ${samples.length} requests failed`,
  );
  assert.ok(samples.length > 50, `only ${samples.length} requests ran`);
  const bodies = new Set(samples.map((s) => s.body));
  assert.deepEqual([...bodies].sort(), ["v1", "v2"]);
  const after = samples.filter((s) => s.startedAt > switchedAt);
  assert.ok(after.length > 25, `only ${after.length} requests after the switch`);
  assert.deepEqual([...new Set(after.map((s) => s.body))], ["v2"]);
  assert.deepEqual(await proxy.upstreamsOf("web"), [v2]);
});

test("a request in flight to the old upstream finishes after the switch, and waitDrained waits for it", async (t) => {
  const { proxy } = await startTestProxy(t);
  const v1 = await startUpstream(t, "v1", 1_500);
  const v2 = await startUpstream(t, "v2");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await proxy.setRoute({ id: "slow", listen: { host: "127.0.0.1", port }, upstreams: [v1] });
  await waitForBody(`${url}/`, "v1");

  const inFlight = get(`${url}/slow`, 5_000);
  await waitFor(async () => (await proxy.upstreamStatus()).some((u) => u.address === v1 && u.numRequests === 1));
  await proxy.setRoute({ id: "slow", listen: { host: "127.0.0.1", port }, upstreams: [v2] });

  assert.equal((await get(`${url}/`)).body, "v2");
  const early = await waitDrained(proxy, [v1], { timeoutMs: 200 });
  assert.equal(early.drained, false);
  assert.deepEqual(early.inFlight, { [v1]: 1 });
  const drained = await waitDrained(proxy, [v1], { timeoutMs: 5_000 });
  assert.equal(drained.drained, true);
  assert.deepEqual(await inFlight, { status: 200, body: "v1" });
  assert.deepEqual(await waitDrained(proxy, [v2], { timeoutMs: 1_000 }).then((r) => r.drained), true);
});

test("removeRoute closes the route's port and leaves the others", async (t) => {
  const { proxy } = await startTestProxy(t);
  const v1 = await startUpstream(t, "v1");
  const [portA, portB] = [await freePort(), await freePort()];
  await proxy.setRoute({ id: "a", listen: { host: "127.0.0.1", port: portA }, upstreams: [v1] });
  await proxy.setRoute({ id: "b", listen: { host: "127.0.0.1", port: portB }, upstreams: [v1] });
  await waitForBody(`http://127.0.0.1:${portA}/`, "v1");

  assert.equal(await proxy.removeRoute("a"), true);

  await assert.rejects(get(`http://127.0.0.1:${portA}/`), (error: Error) => /ECONNREFUSED/.test(String(error.cause)));
  assert.equal((await get(`http://127.0.0.1:${portB}/`)).body, "v1");
  assert.deepEqual(
    (await proxy.listRoutes()).map((r) => r.id),
    ["b"],
  );
  assert.equal(await proxy.removeRoute("a"), false);
});

test("reconcileRoutes leaves exactly the given Slipway routes and does not touch other servers", async (t) => {
  const { proxy, handle } = await startTestProxy(t);
  const v1 = await startUpstream(t, "v1");
  const v2 = await startUpstream(t, "v2");
  const [portA, portB, portC, portOther] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const other = { listen: [`127.0.0.1:${portOther}`], routes: [{ handle: [{ handler: "static_response", body: "not slipway's" }] }] };
  const put = await fetch(`${handle.adminUrl}/config/apps/http/servers/other`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(other),
  });
  assert.equal(put.status, 200);
  await proxy.setRoute({ id: "a", listen: { host: "127.0.0.1", port: portA }, upstreams: [v1] });
  await proxy.setRoute({ id: "b", listen: { host: "127.0.0.1", port: portB }, upstreams: [v1] });

  const wanted = [
    { id: "a", listen: { host: "127.0.0.1", port: portA }, upstreams: [v2] },
    { id: "c", listen: { host: "127.0.0.1", port: portC }, upstreams: [v1] },
  ];
  const report = await proxy.reconcileRoutes(wanted);

  assert.deepEqual(report, { set: ["a", "c"], removed: ["b"], unchanged: [] });
  assert.deepEqual(await proxy.listRoutes(), wanted);
  await waitForBody(`http://127.0.0.1:${portA}/`, "v2");
  assert.equal((await get(`http://127.0.0.1:${portC}/`)).body, "v1");
  await assert.rejects(get(`http://127.0.0.1:${portB}/`));
  assert.equal((await get(`http://127.0.0.1:${portOther}/`)).body, "not slipway's");
  assert.deepEqual(await proxy.reconcileRoutes(wanted), { set: [], removed: [], unchanged: ["a", "c"] });
  assert.deepEqual(await proxy.reconcileRoutes([]), { set: [], removed: ["a", "c"], unchanged: [] });
  assert.deepEqual(await proxy.listRoutes(), []);
  assert.equal((await get(`http://127.0.0.1:${portOther}/`)).body, "not slipway's");
});

test("an admin API that does not answer is PROXY_UNREACHABLE, naming the address and how to start it", async (t) => {
  const port = await freePort();
  await assert.rejects(connectProxy(`127.0.0.1:${port}`), (error) => {
    assert.ok(isSlipwayError(error, "PROXY_UNREACHABLE"), String(error));
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(error.hint ?? "", /slipway doctor/);
    return true;
  });

  const { proxy, handle } = await startTestProxy(t);
  await handle.stop();
  await assert.rejects(proxy.listRoutes(), (error) => isSlipwayError(error, "PROXY_UNREACHABLE"));
});

test("a route to a port another process holds is PROXY_FAILED with Caddy's reason, and the old routes keep serving", async (t) => {
  const { proxy } = await startTestProxy(t);
  const v1 = await startUpstream(t, "v1");
  const held = createServer((_req, res) => res.end("someone else"));
  await new Promise<void>((resolve) => held.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => held.close(() => resolve())));
  const heldAddress = held.address();
  assert.ok(typeof heldAddress === "object" && heldAddress !== null);
  const good = await freePort();
  await proxy.setRoute({ id: "good", listen: { host: "127.0.0.1", port: good }, upstreams: [v1] });

  await assert.rejects(proxy.setRoute({ id: "clash", listen: { host: "127.0.0.1", port: heldAddress.port }, upstreams: [v1] }), (error) => {
    assert.ok(isSlipwayError(error, "PROXY_FAILED"), String(error));
    assert.match(error.message, /route "clash"/);
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${heldAddress.port}`));
    assert.match(error.message, /address already in use/);
    assert.match(error.hint ?? "", /another process/);
    return true;
  });

  assert.deepEqual(
    (await proxy.listRoutes()).map((r) => r.id),
    ["good"],
  );
  assert.equal((await get(`http://127.0.0.1:${good}/`)).body, "v1");
  assert.equal((await get(`http://127.0.0.1:${heldAddress.port}/`)).body, "someone else");
});

test("a route on the proxy's own admin port, or without upstreams, is refused before it reaches Caddy", async (t) => {
  const { proxy, adminAddress } = await startTestProxy(t);
  const v1 = await startUpstream(t, "v1");
  const adminPort = Number(adminAddress.split(":")[1]);

  await assert.rejects(proxy.setRoute({ id: "admin", listen: { host: "127.0.0.1", port: adminPort }, upstreams: [v1] }), (error) => {
    assert.ok(isSlipwayError(error, "PROXY_FAILED"));
    assert.match(error.message, /admin port/);
    return true;
  });
  await assert.rejects(
    proxy.setRoute({ id: "empty", listen: { port: await freePort() }, upstreams: [] }),
    (error) => isSlipwayError(error, "PROXY_FAILED") && /no upstreams/.test(error.message),
  );
  assert.deepEqual(await proxy.listRoutes(), []);
  assert.equal((await fetch(`http://${adminAddress}/config/`)).status, 200);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}

test("a route with a fallback: every request goes to the live upstream; one it failed goes to the fallback when it may be sent again", async (t) => {
  const { proxy } = await startTestProxy(t);
  const v1server = await startRecordingUpstream(t, "v1");
  const v2server = await startRecordingUpstream(t, "v2", { drop: true });
  const [v1, v2] = [v1server.address, v2server.address];
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const post = async (path: string) => {
    const response = await fetch(new URL(path, url), { method: "POST", body: "order 42", signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: await response.text() };
  };

  await proxy.setRoute({ id: "web", listen: { host: "127.0.0.1", port }, upstreams: [v2], fallbacks: [v1] });
  await waitForBody(url, "v2");
  assert.deepEqual(await proxy.routeOf("web"), { id: "web", listen: { host: "127.0.0.1", port }, upstreams: [v2], fallbacks: [v1] });
  assert.deepEqual(await proxy.upstreamsOf("web"), [v2]);

  // v2 read these and dropped the connection: the GET is sent again to v1, the POST is not (v2 may have acted on it)
  assert.deepEqual(await get(`${url}drop`), { status: 200, body: "v1" });
  assert.equal((await post("/drop")).status, 502);
  assert.deepEqual(v1server.seen, ["GET /drop"]);
  v1server.seen.length = 0;

  const stopV2 = () => v2server.stop();
  const load = startLoad(url, { clients: 8, timeoutMs: 1_000 });
  await sleep(700);
  const stoppingAt = performance.now();
  await stopV2(); // the new replica exits: its port refuses connections
  const stoppedAt = performance.now();
  await sleep(1_000);
  const samples = await load.stop();
  // nothing reached v2, whose port refuses connections: a DELETE goes to v1
  const deleted = await fetch(new URL("/orders/42", url), { method: "DELETE", signal: AbortSignal.timeout(5_000) });
  assert.deepEqual({ status: deleted.status, body: await deleted.text() }, { status: 200, body: "v1" });
  assert.ok(v1server.seen.includes("DELETE /orders/42"), "v1 got the DELETE");

  const failures = samples.filter((s) => s.error !== undefined);
  assert.deepEqual(
    failures.map((s) => s.error),
    [],
    `${failures.length} of ${samples.length} requests failed`,
  );
  // answered before v2 began to stop (a request still in flight when it closed its connections may rightly go to v1)
  const before = samples.filter((s) => s.endedAt < stoppingAt);
  assert.ok(before.length > 25, `only ${before.length} requests before v2 stopped`);
  assert.deepEqual([...new Set(before.map((s) => s.body))], ["v2"], "the fallback takes nothing while the live upstream answers");
  const after = samples.filter((s) => s.startedAt > stoppedAt);
  assert.ok(after.length > 25, `only ${after.length} requests after v2 stopped`);
  assert.deepEqual([...new Set(after.map((s) => s.body))], ["v1"]);

  // the final switch drops the fallback; a fallback needs exactly one live upstream
  await proxy.setRoute({ id: "web", listen: { host: "127.0.0.1", port }, upstreams: [v1] });
  assert.deepEqual(await proxy.routeOf("web"), { id: "web", listen: { host: "127.0.0.1", port }, upstreams: [v1] });
  await assert.rejects(
    proxy.setRoute({ id: "web", listen: { host: "127.0.0.1", port }, upstreams: [v1, v2], fallbacks: ["127.0.0.1:9"] }),
    (error: unknown) => isSlipwayError(error, "PROXY_FAILED") && /exactly one live upstream/.test(error.message),
  );
});
