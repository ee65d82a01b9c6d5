import { test } from "node:test";
import assert from "node:assert/strict";
import { serviceSchema, type ServiceConfig } from "../../../src/config/service-schema.js";

const TIMING = { startPeriod: 0, interval: 2_000, timeout: 5_000, deadline: 60_000 };

function health(value: Record<string, unknown>): ServiceConfig["health"] {
  const result = serviceSchema.safeParse({ image: "app", update: { strategy: "recreate" }, ...value });
  assert.ok(result.success, `expected ${JSON.stringify(value)} to parse: ${JSON.stringify(result.error?.issues ?? [])}`);
  return result.data.health;
}

function problem(value: Record<string, unknown>): string {
  const result = serviceSchema.safeParse({ image: "app", update: { strategy: "recreate" }, ...value });
  assert.ok(!result.success, `expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("\n");
}

test("the default gate: docker when the service has a healthcheck, else tcp on the first TCP port, else running", () => {
  assert.deepEqual(health({ ports: ["8080:80"], healthcheck: { test: ["CMD", "true"] } }), { kind: "docker", ...TIMING });
  assert.deepEqual(health({ ports: ["53:53/udp", "8080:80", "9090:90"] }), { kind: "tcp", port: 80, ...TIMING });
  assert.deepEqual(health({ ports: ["8080:80"], healthcheck: { disable: true } }), { kind: "tcp", port: 80, ...TIMING });
  assert.deepEqual(health({}), { kind: "running", ...TIMING });
});

test("http: a path, or {path, status, port}; the port defaults to the first port", () => {
  assert.deepEqual(health({ ports: ["8080:80"], health: { http: "/healthz" } }), { kind: "http", path: "/healthz", status: 200, port: 80, ...TIMING });
  assert.deepEqual(health({ ports: ["8080:80"], health: { http: { path: "/up", status: 204, port: 9000 } } }), {
    kind: "http",
    path: "/up",
    status: 204,
    port: 9000,
    ...TIMING,
  });
  assert.match(problem({ health: { http: "/healthz" } }), /health: health.http needs a port/);
  assert.match(problem({ ports: ["8080:80"], health: { http: "healthz" } }), /path starting with \//);
});

test("tcp: a port, or true for the first port", () => {
  assert.deepEqual(health({ ports: ["8080:80"], health: { tcp: true } }), { kind: "tcp", port: 80, ...TIMING });
  assert.deepEqual(health({ health: { tcp: 5432 } }), { kind: "tcp", port: 5432, ...TIMING });
  assert.match(problem({ health: { tcp: true } }), /health.tcp needs a port/);
});

test("docker, command and running", () => {
  assert.deepEqual(health({ health: { docker: true } }), { kind: "docker", ...TIMING });
  assert.deepEqual(health({ health: { command: "pg_isready -U app" } }), { kind: "command", command: ["pg_isready", "-U", "app"], ...TIMING });
  assert.deepEqual(health({ health: { command: ["test", "-f", "/ready"] } }), { kind: "command", command: ["test", "-f", "/ready"], ...TIMING });
  assert.deepEqual(health({ ports: ["80:80"], health: { running: true } }), { kind: "running", ...TIMING });
  assert.match(problem({ healthcheck: { disable: true }, health: { docker: true } }), /health.docker needs the container's healthcheck/);
});

test("timings are durations in milliseconds; retries is optional", () => {
  assert.deepEqual(health({ health: { tcp: 80, start_period: "10s", interval: "500ms", timeout: 1, retries: 3, deadline: "2m" } }), {
    kind: "tcp",
    port: 80,
    startPeriod: 10_000,
    interval: 500,
    timeout: 1_000,
    retries: 3,
    deadline: 120_000,
  });
  assert.deepEqual(health({ ports: ["80:80"], health: { deadline: "5m" } }), { kind: "tcp", port: 80, ...TIMING, deadline: 300_000 });
  assert.match(
    problem({ health: { tcp: 80, start_period: "2m", deadline: "1m" } }),
    /health.deadline: health.deadline must be longer than health.start_period/,
  );
});

test("exactly one kind of probe", () => {
  assert.match(problem({ ports: ["80:80"], health: { http: "/healthz", tcp: 80 } }), /exactly one kind of probe, not http and tcp/);
  assert.match(problem({ health: { docker: false } }), /health.docker/);
  assert.match(problem({ health: { grpc: 50051 } }), /Unrecognized key: "grpc"/);
});
