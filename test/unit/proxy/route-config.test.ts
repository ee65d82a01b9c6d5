import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fromServerConfig, nextParked, parkedUpstreams, routeProblems, serverName, toServerConfig } from "../../../src/proxy/route-config.js";
import type { Route } from "../../../src/proxy/types.js";

const route: Route = { id: "api-prod", listen: { host: "127.0.0.1", port: 8080 }, upstreams: ["127.0.0.1:32768", "127.0.0.1:32769"], healthPath: "/healthz" };

test("a route becomes one Caddy server named and @id-tagged slipway-<id>, plain HTTP, round robin, health-checked", () => {
  const server = toServerConfig(route);
  assert.equal(serverName("api-prod"), "slipway-api-prod");
  assert.deepEqual(server, {
    "@id": "slipway-api-prod",
    listen: ["127.0.0.1:8080"],
    automatic_https: { disable: true },
    routes: [
      {
        terminal: true,
        handle: [
          { handler: "headers", response: { set: { Connection: ["close"] } } },
          {
            handler: "reverse_proxy",
            upstreams: [{ dial: "127.0.0.1:32768" }, { dial: "127.0.0.1:32769" }],
            load_balancing: { selection_policy: { policy: "round_robin" }, try_duration: "5s", try_interval: "100ms" },
            health_checks: { active: { uri: "/healthz", interval: "2s", timeout: "1s" } },
          },
        ],
      },
    ],
  });
});

test("switched-away upstreams are parked in a second route that no request reaches", () => {
  const server = toServerConfig({ ...route, keepAlive: true, healthPath: undefined }, ["127.0.0.1:40000"]);
  assert.deepEqual(server.routes, [
    {
      terminal: true,
      handle: [
        {
          handler: "reverse_proxy",
          upstreams: [{ dial: "127.0.0.1:32768" }, { dial: "127.0.0.1:32769" }],
          load_balancing: { selection_policy: { policy: "round_robin" }, try_duration: "5s", try_interval: "100ms" },
        },
      ],
    },
    { handle: [{ handler: "reverse_proxy", upstreams: [{ dial: "127.0.0.1:40000" }] }] },
  ]);
  assert.deepEqual(parkedUpstreams(server), ["127.0.0.1:40000"]);
  assert.deepEqual(fromServerConfig("slipway-api-prod", server)?.upstreams, route.upstreams);
});

test("a route with a fallback: the live upstream tried once, unchecked; the server's error route re-sends what it failed to the fallback when that is safe", () => {
  const withFallback: Route = { id: "web", listen: { port: 8080 }, upstreams: ["127.0.0.1:40002"], fallbacks: ["127.0.0.1:40001"] };
  const server = toServerConfig(withFallback);
  const close = { handler: "headers", response: { set: { Connection: ["close"] } } };
  assert.deepEqual(server.routes, [{ terminal: true, handle: [close, { handler: "reverse_proxy", upstreams: [{ dial: "127.0.0.1:40002" }] }] }]);
  assert.deepEqual(server.errors, {
    routes: [
      {
        match: [
          { method: ["GET", "HEAD"] },
          { vars_regexp: { "{http.error.message}": { pattern: "^(dial tcp|no upstreams available)|connect: connection refused" } } },
        ],
        handle: [
          close,
          {
            handler: "reverse_proxy",
            upstreams: [{ dial: "127.0.0.1:40001" }],
            load_balancing: { selection_policy: { policy: "round_robin" }, try_duration: "5s", try_interval: "100ms" },
          },
        ],
        terminal: true,
      },
    ],
  });
  assert.deepEqual(fromServerConfig("slipway-web", JSON.parse(JSON.stringify(server))), withFallback);
  assert.deepEqual(routeProblems({ ...withFallback, healthPath: "/healthz" }), [
    "a route with fallbacks has no health path: its live upstream is not health-checked",
  ]);
  assert.deepEqual(routeProblems({ ...withFallback, upstreams: ["127.0.0.1:40002", "127.0.0.1:40001"] }), [
    "fallbacks need exactly one live upstream, not 2",
    "an upstream cannot be its own fallback",
  ]);
});

test("every valid route reads back from its server exactly as it was set", () => {
  const octet = fc.integer({ min: 0, max: 255 });
  const ipv4 = fc.tuple(octet, octet, octet, octet).map((parts) => parts.join("."));
  const port = fc.integer({ min: 1, max: 65535 });
  const arbitraryRoute = fc.record(
    {
      id: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/),
      listen: fc.oneof(fc.record({ host: ipv4, port }), fc.record({ port }), fc.record({ host: fc.constant("::1"), port })),
      upstreams: fc.array(
        fc.tuple(ipv4, port).map(([host, p]) => `${host}:${p}`),
        { minLength: 1, maxLength: 4 },
      ),
      healthPath: fc.option(fc.stringMatching(/^\/[a-z0-9/_-]{0,10}$/), { nil: undefined }),
      keepAlive: fc.option(fc.constant(true), { nil: undefined }),
    },
    { requiredKeys: ["id", "listen", "upstreams"] },
  );
  fc.assert(
    fc.property(arbitraryRoute, (r) => {
      assert.deepEqual(routeProblems(r), []);
      const back = fromServerConfig(serverName(r.id), JSON.parse(JSON.stringify(toServerConfig(r))));
      const expected = {
        id: r.id,
        listen: { ...r.listen },
        upstreams: r.upstreams,
        ...(r.healthPath === undefined ? {} : { healthPath: r.healthPath }),
        ...(r.keepAlive ? { keepAlive: true } : {}),
      };
      assert.deepEqual(back, expected);
    }),
  );
});

test("servers that are not Slipway's, or not in its shape, are not read as routes", () => {
  assert.equal(fromServerConfig("srv0", toServerConfig(route)), undefined);
  assert.equal(fromServerConfig("slipway-x", { listen: [":80"], routes: [{ handle: [{ handler: "file_server" }] }] }), undefined);
  assert.equal(fromServerConfig("slipway-x", { listen: [":80", ":81"], routes: [{ handle: [{ handler: "reverse_proxy" }] }] }), undefined);
  assert.equal(fromServerConfig("slipway-x", "nonsense"), undefined);
});

test("an invalid route lists every problem at once", () => {
  const problems = routeProblems({
    id: "bad id",
    listen: { host: "{http.request.host}", port: 70000 },
    upstreams: ["http://x:1", "127.0.0.1"],
    healthPath: "health",
  });
  assert.deepEqual(problems, [
    "id \"bad id\" must be 1-63 letters, digits, '.', '_' or '-'",
    "listen port 70000 must be 1-65535",
    'listen host "{http.request.host}" is not an IP address or host name',
    'upstream "http://x:1" is not host:port',
    'upstream "127.0.0.1" is not host:port',
    'health path "health" must start with / and contain no spaces',
  ]);
  assert.deepEqual(routeProblems({ id: "x", listen: { port: 80 }, upstreams: [] }), ["it has no upstreams"]);
});

test("a switch parks the upstreams it leaves, keeps parked ones still busy, and never parks a live one", () => {
  const previous = { id: "a", listen: { port: 80 }, upstreams: ["127.0.0.1:1", "127.0.0.1:2"] };
  const inFlight = new Map([
    ["127.0.0.1:8", 2],
    ["127.0.0.1:9", 0],
  ]);
  assert.deepEqual(nextParked(previous, ["127.0.0.1:8", "127.0.0.1:9"], ["127.0.0.1:2", "127.0.0.1:3"], inFlight), ["127.0.0.1:1", "127.0.0.1:8"]);
  assert.deepEqual(nextParked(undefined, [], ["127.0.0.1:3"], inFlight), []);
});
