import { test } from "node:test";
import assert from "node:assert/strict";
import { httpAppChange } from "../../../src/proxy/http-app.js";
import { GRACE_PERIOD } from "../../../src/proxy/initial-config.js";

const http = { grace_period: GRACE_PERIOD, servers: {} };

test("a Caddy without an HTTP app gets one, added at the first missing level, nothing else touched", () => {
  assert.deepEqual(httpAppChange(null), { method: "POST", path: "/config/", body: { apps: { http } } });
  assert.deepEqual(httpAppChange({ admin: { listen: "127.0.0.1:2019" } }), { method: "PUT", path: "/config/apps", body: { http } });
  assert.deepEqual(httpAppChange({ apps: {} }), { method: "PUT", path: "/config/apps/http", body: http });
  assert.deepEqual(httpAppChange({ apps: { tls: { automation: {} } } }), { method: "PUT", path: "/config/apps/http", body: http });
  assert.deepEqual(httpAppChange({ apps: { http: { http_port: 8080 } } }), { method: "PUT", path: "/config/apps/http/servers", body: {} });
});

test("an HTTP app with servers (Slipway's or anyone's) needs nothing", () => {
  assert.equal(httpAppChange({ apps: { http: { servers: {} } } }), undefined);
  assert.equal(httpAppChange({ apps: { http: { servers: { theirs: { listen: [":80"] } } } } }), undefined);
});
