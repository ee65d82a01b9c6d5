import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import type { ContainerSpec, Engine } from "../../../src/engine/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { probeOnce, resolvePublishedAddress, waitHealthy, type HealthCheck, type HealthTarget, type ProbeEvent } from "../../../src/health/index.js";
import { ensureBaseImage, httpdCommand } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels, testName } from "../../harness/labels.js";

let engine: Engine;
let base: string;
/** One busybox httpd serving "ok" on 8080, published on loopback with 9000 (where nothing listens). */
let web: HealthTarget;

type TestContext = { after(fn: () => Promise<unknown> | void): void };

before(async () => {
  engine = await ensureEngine();
  base = await ensureBaseImage(engine);
  const id = await startContainer(undefined, { command: httpdCommand(8080), ports: published(8080, 9000) });
  web = { containerId: id, engine };
  const ready = await waitHealthy({ kind: "tcp", port: 8080, intervalMs: 100, deadlineMs: 15_000 }, web);
  assert.ok(ready.healthy, `httpd test container did not start: ${JSON.stringify(ready)}`);
});
after(async () => {
  await cleanupTestRun(engine);
});

function published(...ports: number[]): ContainerSpec["ports"] {
  return ports.map((containerPort) => ({ containerPort, hostPort: 0, hostIp: "127.0.0.1" }));
}

async function startContainer(t: TestContext | undefined, spec: Omit<ContainerSpec, "image" | "name" | "labels">): Promise<string> {
  const id = await engine.createContainer({ image: base, name: testName("health"), labels: testLabels(), ...spec });
  t?.after(() => engine.removeContainer(id, { force: true }));
  await engine.startContainer(id);
  return id;
}

const quick = { intervalMs: 200, timeoutMs: 2_000, deadlineMs: 20_000 } as const;

test("http: a served path is healthy; the address comes from the container's published port", async () => {
  const result = await probeOnce({ kind: "http", path: "/index.html", port: 8080 }, web);
  assert.equal(result.healthy, true, result.detail);
  assert.match(result.detail, /^HTTP 200 from GET http:\/\/127\.0\.0\.1:\d+\/index\.html$/);

  const outcome = await waitHealthy({ kind: "http", path: "/", port: 8080, ...quick }, web);
  assert.ok(outcome.healthy);
  assert.equal(outcome.probes, 1);
});

test("http: the published loopback address is resolved from inspect and can be given as the target's address", async () => {
  const address = await resolvePublishedAddress(engine, web.containerId, 8080);
  const details = await engine.inspectContainer(web.containerId);
  assert.equal(address.host, "127.0.0.1");
  assert.equal(String(address.port), details?.raw.NetworkSettings.Ports?.["8080/tcp"]?.[0]?.HostPort);
  const result = await probeOnce({ kind: "http", path: "/", status: 200 }, { ...web, address });
  assert.equal(result.healthy, true, result.detail);
});

test("http: a missing path (404) is unhealthy after `retries` probes, and says HTTP 404", async () => {
  const once = await probeOnce({ kind: "http", path: "/missing", port: 8080 }, web);
  assert.equal(once.healthy, false);
  assert.match(once.detail, /^HTTP 404 from GET http:\/\/127\.0\.0\.1:\d+\/missing \(expected 2xx or 3xx\)$/);

  const events: ProbeEvent[] = [];
  const outcome = await waitHealthy({ kind: "http", path: "/missing", port: 8080, ...quick, retries: 2 }, web, { onProbe: (e) => events.push(e) });
  assert.ok(!outcome.healthy);
  assert.equal(outcome.reason, "unhealthy");
  assert.match(outcome.detail, /HTTP 404/);
  assert.equal(outcome.probes, 2);
  assert.deepEqual(
    events.map((e) => e.failures),
    [1, 2],
  );
});

test("http: an expected status that differs is unhealthy", async () => {
  const result = await probeOnce({ kind: "http", path: "/", port: 8080, status: 204 }, web);
  assert.equal(result.healthy, false);
  assert.match(result.detail, /^HTTP 200 .* \(expected 204\)$/);
});

test("tcp: a listening port is healthy", async () => {
  const result = await probeOnce({ kind: "tcp", port: 8080 }, web);
  assert.equal(result.healthy, true, result.detail);
});

test("tcp: a published port nothing listens on is unhealthy, though Docker's proxy accepts the connection", async () => {
  const result = await probeOnce({ kind: "tcp", port: 9000 }, web);
  assert.equal(result.healthy, false);
  assert.match(result.detail, /nothing listens on the port inside the container/);
});

test("http and tcp on a port the container does not publish are refused with HEALTH_CHECK_INVALID", async () => {
  const isInvalid = (error: unknown): boolean => isSlipwayError(error, "HEALTH_CHECK_INVALID") && /does not publish port 7777\/tcp/.test(error.message);
  await assert.rejects(probeOnce({ kind: "tcp", port: 7777 }, web), isInvalid);
  await assert.rejects(waitHealthy({ kind: "http", path: "/", port: 7777 }, web), isInvalid);
  await assert.rejects(resolvePublishedAddress(engine, web.containerId, 7777), isInvalid);
});

test("command: exit code 0 inside the container is healthy, another code is not", async () => {
  const ok = await probeOnce({ kind: "command", command: ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"] }, web);
  assert.equal(ok.healthy, true, ok.detail);
  const bad = await probeOnce({ kind: "command", command: ["sh", "-c", "echo database not ready >&2; exit 4"] }, web);
  assert.equal(bad.healthy, false);
  assert.equal(bad.detail, "`sh -c echo database not ready >&2; exit 4` exited with code 4: database not ready");

  const outcome = await waitHealthy({ kind: "command", command: ["test", "-f", "/www/index.html"], ...quick }, web);
  assert.ok(outcome.healthy);
});

test("command: a command that outlives the timeout fails the probe", async () => {
  const started = performance.now();
  const result = await probeOnce({ kind: "command", command: ["sleep", "5"], timeoutMs: 500 }, web);
  assert.equal(result.healthy, false);
  assert.match(result.detail, /did not finish in 0\.5 s/);
  assert.ok(performance.now() - started < 2_000);
});

test("running: a running container is healthy", async () => {
  const outcome = await waitHealthy({ kind: "running", ...quick }, web);
  assert.ok(outcome.healthy);
});

test("docker: a container whose HEALTHCHECK passes becomes healthy", async (t) => {
  const id = await startContainer(t, {
    command: httpdCommand(8080),
    healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], intervalSeconds: 1, retries: 2 },
  });
  const events: ProbeEvent[] = [];
  const outcome = await waitHealthy({ kind: "docker", ...quick, retries: 1 }, { containerId: id, engine }, { onProbe: (e) => events.push(e) });
  assert.ok(outcome.healthy, JSON.stringify(outcome));
  // Docker's first check runs after one interval; meanwhile "starting" is pending, not a failure.
  assert.ok(
    events.some((e) => e.result.pending === true),
    "saw Docker's starting state",
  );
  assert.ok(events.every((e) => e.failures === 0));
});

test("docker: a container whose HEALTHCHECK fails is unhealthy, with Docker's output", async (t) => {
  const id = await startContainer(t, {
    command: ["sleep", "60"],
    stopSignal: "SIGKILL",
    healthcheck: { test: ["CMD-SHELL", "echo cache is cold; exit 1"], intervalSeconds: 1, retries: 1 },
  });
  const outcome = await waitHealthy({ kind: "docker", ...quick, retries: 2 }, { containerId: id, engine });
  assert.ok(!outcome.healthy);
  assert.equal(outcome.reason, "unhealthy");
  assert.match(outcome.detail, /Docker reports unhealthy: exit code 1, cache is cold$/);
});

test("docker: a container without a HEALTHCHECK is refused with HEALTH_CHECK_INVALID", async () => {
  await assert.rejects(
    probeOnce({ kind: "docker" }, web),
    (error) => isSlipwayError(error, "HEALTH_CHECK_INVALID") && /has no Docker HEALTHCHECK/.test(error.message),
  );
});

test("a container that exits at once is reported as exited with its code, well before the deadline", async (t) => {
  const id = await startContainer(t, { command: ["sh", "-c", "exit 3"], ports: published(8080) });
  const started = performance.now();
  const outcome = await waitHealthy(
    { kind: "http", path: "/", port: 8080, startPeriodMs: 20_000, deadlineMs: 30_000, intervalMs: 200 },
    { containerId: id, engine },
  );
  const tookMs = performance.now() - started;
  assert.ok(!outcome.healthy);
  assert.equal(outcome.reason, "exited");
  assert.match(outcome.detail, /^exited with code 3 after \d+(\.\d+)? s$/);
  assert.ok(tookMs < 5_000, `reported after ${Math.round(tookMs)} ms`);
});

test("a removed container is reported as exited", async () => {
  const result = await probeOnce({ kind: "running" }, { containerId: "slipway-test-no-such-container", engine });
  assert.equal(result.healthy, false);
  assert.deepEqual(result.exited, { exitCode: undefined });
  assert.match(result.detail, /no longer exists/);
});

test("aborting the wait rejects it with the signal's reason", async () => {
  const controller = new AbortController();
  const check: HealthCheck = { kind: "http", path: "/missing", port: 8080, intervalMs: 200, retries: 1_000, deadlineMs: 30_000 };
  const waiting = waitHealthy(check, web, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error("deployment cancelled")), 300);
  await assert.rejects(waiting, /deployment cancelled/);
});
