import { test } from "node:test";
import assert from "node:assert/strict";
import { containerSpecFor, LABEL } from "../../../src/deploy/index.js";
import { webSpec } from "./spec-fixture.js";

test("a replica is created from the declared spec, with labels that say what it is", () => {
  const spec = webSpec({
    volumes: [{ type: "volume", source: "web-data", target: "/data", readOnly: false }],
    restart: { policy: "on-failure", maxRetries: 3 },
    memoryBytes: 64 * 1024 * 1024,
    cpus: 0.5,
    user: "1000:1000",
    networks: [{ name: "backend", aliases: ["web"] }],
    stopGracePeriodMs: 2500,
  });
  const container = containerSpecFor(spec, { revision: 3, replica: 2, specHash: "abc", deploymentId: 9 });
  assert.equal(container.name, "web-prod-r3-2");
  assert.deepEqual(container.command, ["httpd", "-f", "-p", "8080"]);
  assert.deepEqual(container.env, { GREETING: "hello" });
  assert.equal(container.labels?.team, "data");
  assert.equal(container.labels?.[LABEL.service], "web");
  assert.equal(container.labels?.[LABEL.environment], "prod");
  assert.equal(container.labels?.[LABEL.revision], "3");
  assert.equal(container.labels?.[LABEL.replica], "2");
  assert.equal(container.labels?.[LABEL.deployment], "9");
  assert.deepEqual(container.mounts, [{ type: "volume", source: "web-data", target: "/data", readOnly: false }]);
  assert.deepEqual(container.restart, { name: "on-failure", maximumRetryCount: 3 });
  assert.equal(container.memoryBytes, 64 * 1024 * 1024);
  assert.equal(container.nanoCpus, 500_000_000);
  assert.equal(container.user, "1000:1000");
  assert.deepEqual(container.networks, [{ name: "backend", aliases: ["web"] }]);
  assert.equal(container.stopTimeoutSeconds, 3);
});

test("published TCP ports bind an ephemeral loopback port behind the proxy; UDP binds as declared", () => {
  const spec = webSpec({
    ports: [
      { target: 8080, published: 18080, protocol: "tcp" },
      { target: 53, published: 5353, protocol: "udp", hostIp: "0.0.0.0" },
      { target: 9000, protocol: "tcp" },
    ],
  });
  const container = containerSpecFor(spec, { revision: 1, replica: 1, specHash: "h" });
  assert.deepEqual(container.ports, [
    { containerPort: 8080, protocol: "tcp", hostPort: 0, hostIp: "127.0.0.1" },
    { containerPort: 53, protocol: "udp", hostPort: 5353, hostIp: "0.0.0.0" },
    { containerPort: 9000, protocol: "tcp" },
  ]);
});
