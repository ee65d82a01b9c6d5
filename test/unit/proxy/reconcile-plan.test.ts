import { test } from "node:test";
import assert from "node:assert/strict";
import { duplicateIds, planReconcile, sameRoute } from "../../../src/proxy/reconcile-plan.js";
import type { LiveRoute, Route } from "../../../src/proxy/types.js";

const a = { id: "a", listen: { host: "127.0.0.1", port: 8080 }, upstreams: ["127.0.0.1:1", "127.0.0.1:2"] } satisfies Route;
const b: Route = { id: "b", listen: { port: 8081 }, upstreams: ["127.0.0.1:3"] };

test("reconcile sets what differs or is missing, removes what is not wanted, and leaves the rest", () => {
  const live: LiveRoute[] = [
    { ...a, upstreams: ["127.0.0.1:2", "127.0.0.1:1"] },
    { id: "old", listen: { port: 9000 }, upstreams: ["127.0.0.1:4"] },
  ];
  const c: Route = { id: "c", listen: { port: 8082 }, upstreams: ["127.0.0.1:5"] };
  assert.deepEqual(planReconcile([a, b, c], live), { set: [b, c], remove: ["old"], unchanged: ["a"] });
  assert.deepEqual(planReconcile([], live), { set: [], remove: ["a", "old"], unchanged: [] });
});

test("routes are the same only with the same listen address, upstream set, health path and keep-alive", () => {
  assert.equal(sameRoute(a, { ...a, upstreams: ["127.0.0.1:2", "127.0.0.1:1"] }), true);
  assert.equal(sameRoute(a, { ...a, listen: { port: 8080 } }), false);
  assert.equal(sameRoute(a, { ...a, upstreams: ["127.0.0.1:1"] }), false);
  assert.equal(sameRoute(a, { ...a, healthPath: "/" }), false);
  assert.equal(sameRoute(a, { ...a, keepAlive: true }), false);
  assert.equal(sameRoute(a, { ...a, keepAlive: false }), true);
});

test("repeated route ids are reported once each", () => {
  assert.deepEqual(duplicateIds([a, b, a, a]), ["a"]);
  assert.deepEqual(duplicateIds([a, b]), []);
});
