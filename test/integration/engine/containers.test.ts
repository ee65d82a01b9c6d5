import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { publishedPort, type ContainerSpec, type Engine, type EngineEvent } from "../../../src/engine/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { ensureBaseImage, httpdCommand } from "../../harness/base-image.js";
import { ensureEngine } from "../../harness/engine.js";
import { RUN_LABEL, cleanupTestRun, testLabels, testName, testRunId } from "../../harness/labels.js";

let engine: Engine;
let base: string;

before(async () => {
  engine = await ensureEngine();
  base = await ensureBaseImage(engine);
});
after(async () => {
  await cleanupTestRun(engine);
});

type TestContext = { after(fn: () => Promise<unknown> | void): void };

async function create(t: TestContext, spec: Omit<ContainerSpec, "image" | "name"> & { image?: string }): Promise<{ id: string; name: string }> {
  const name = testName("ctr");
  const id = await engine.createContainer({ image: base, name, ...spec, labels: testLabels(spec.labels) });
  t.after(() => engine.removeContainer(id, { force: true }));
  return { id, name };
}

async function httpGet(port: number, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
      return await response.text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

test("a container is created with exactly the ports, env, labels, mounts, restart policy and limits asked for", async (t) => {
  const volume = await engine.createVolume({ name: testName("vol"), labels: testLabels() });
  const network = testName("net");
  await engine.createNetwork({ name: network, labels: testLabels() });
  const hostDir = mkdtempSync(join(tmpdir(), "slipway-bind-"));
  t.after(() => rmSync(hostDir, { recursive: true, force: true }));

  const { id, name } = await create(t, {
    command: httpdCommand(8080),
    env: { HTTP_BODY: "hello from slipway", MODE: "test" },
    labels: { "slipway.service": "web" },
    ports: [
      { containerPort: 8080, hostPort: 0, hostIp: "127.0.0.1" },
      { containerPort: 9000, protocol: "udp" },
    ],
    mounts: [
      { type: "volume", source: volume, target: "/data" },
      { type: "bind", source: hostDir, target: "/config", readOnly: true },
    ],
    restart: { name: "on-failure", maximumRetryCount: 3 },
    memoryBytes: 64 * 1024 * 1024,
    nanoCpus: 500_000_000,
    workingDir: "/www",
    user: "0:0",
    networks: [{ name: network, aliases: ["web"] }],
    healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], intervalSeconds: 1, retries: 3 },
    stopSignal: "SIGTERM",
    stopTimeoutSeconds: 5,
    init: true,
  });

  const details = await engine.inspectContainer(id);
  assert.ok(details);
  const raw = details.raw;
  assert.equal(details.name, name);
  assert.equal(details.image, base);
  assert.equal(details.state.status, "created");
  // A container carries its image's labels, then its own on top.
  assert.deepEqual(details.labels, { ...(await engine.imageLabels(base)), ...testLabels({ "slipway.service": "web" }) });
  assert.deepEqual(
    raw.Config.Env.filter((e) => !e.startsWith("PATH=")),
    ["HTTP_BODY=hello from slipway", "MODE=test"],
  );
  assert.deepEqual(raw.Config.Cmd, httpdCommand(8080));
  assert.deepEqual(Object.keys(raw.Config.ExposedPorts).sort(), ["8080/tcp", "9000/udp"]);
  assert.deepEqual(raw.HostConfig.PortBindings, { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] });
  assert.deepEqual(
    raw.Mounts.map((m) => [m.Type, m.Name ?? m.Source, m.Destination, m.RW]).sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
    [
      ["bind", hostDir, "/config", false],
      ["volume", volume, "/data", true],
    ],
  );
  assert.deepEqual(raw.HostConfig.RestartPolicy, { Name: "on-failure", MaximumRetryCount: 3 });
  assert.equal(raw.HostConfig.Memory, 64 * 1024 * 1024);
  assert.equal(raw.HostConfig.NanoCpus, 500_000_000);
  assert.equal(raw.HostConfig.Init, true);
  assert.equal(raw.Config.WorkingDir, "/www");
  assert.equal(raw.Config.User, "0:0");
  assert.equal("StopSignal" in raw.Config && raw.Config.StopSignal, "SIGTERM");
  assert.equal(raw.HostConfig.NetworkMode, network);
  assert.deepEqual(raw.NetworkSettings.Networks[network]?.Aliases, ["web"]);
  assert.deepEqual(raw.Config.Healthcheck?.Test, ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]);
  assert.equal(raw.Config.Healthcheck?.Interval, 1_000_000_000);
});

test("a started container serves HTTP on its published 127.0.0.1 port, turns healthy, runs commands and stops quickly", async (t) => {
  const hostDir = mkdtempSync(join(tmpdir(), "slipway-bind-"));
  t.after(() => rmSync(hostDir, { recursive: true, force: true }));
  writeFileSync(join(hostDir, "app.conf"), "setting=1\n");
  const { id } = await create(t, {
    command: httpdCommand(8080),
    env: { HTTP_BODY: "served by busybox" },
    ports: [{ containerPort: 8080, hostPort: 0, hostIp: "127.0.0.1" }],
    mounts: [{ type: "bind", source: hostDir, target: "/config", readOnly: true }],
    healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], intervalSeconds: 0.5, retries: 3 },
  });
  const controller = new AbortController();
  t.after(() => controller.abort());
  const events = await engine.events({ filters: { type: ["container"], container: [id] }, signal: controller.signal });
  const seen: EngineEvent[] = [];
  const healthy = (async () => {
    for await (const event of events) {
      seen.push(event);
      if (event.action === "health_status" && event.actionDetail === "healthy") return true;
    }
    return false;
  })();

  await engine.startContainer(id);
  await engine.startContainer(id); // starting a running container is not an error
  const details = await engine.inspectContainer(id);
  assert.equal(details?.state.running, true);
  const port = details && publishedPort(details, 8080);
  assert.ok(port !== undefined && port > 0, "the engine picked a host port");
  assert.equal(details?.raw.NetworkSettings.Ports["8080/tcp"]?.[0]?.HostIp, "127.0.0.1");
  assert.equal(await httpGet(port), "served by busybox");

  const result = await Promise.race([healthy, sleep(8_000, false, { ref: false })]);
  assert.equal(result, true, `the container turned healthy; events: ${seen.map((e) => `${e.action}:${e.actionDetail ?? ""}`).join(", ")}`);
  assert.equal(seen[0]?.action, "start");
  assert.equal(seen[0]?.actorId, id);
  assert.equal(seen[0]?.attributes[RUN_LABEL], testRunId);
  assert.equal((await engine.inspectContainer(id))?.state.health, "healthy");

  assert.deepEqual(await engine.exec(id, ["cat", "/config/app.conf"]), { exitCode: 0, stdout: "setting=1\n", stderr: "" });
  const failing = await engine.exec(id, ["sh", "-c", "echo oops >&2; exit 4"]);
  assert.deepEqual(failing, { exitCode: 4, stdout: "", stderr: "oops\n" });

  const started = Date.now();
  await engine.stopContainer(id, { timeoutSeconds: 10 });
  assert.ok(Date.now() - started < 3_000, "httpd under the TERM trap stops without waiting for the kill");
  const stopped = await engine.inspectContainer(id);
  assert.equal(stopped?.state.running, false);
  assert.equal(stopped?.state.exitCode, 0);
  await engine.stopContainer(id); // stopping a stopped container is not an error
});

test("logs come back split into stdout and stderr, and wait gives the exit code", async (t) => {
  const { id } = await create(t, { command: ["sh", "-c", "echo out-1; echo err-1 >&2; sleep 0.2; echo out-2; exit 3"] });
  await engine.startContainer(id);
  assert.equal(await engine.wait(id), 3);
  assert.deepEqual(await engine.logs(id), { stdout: "out-1\nout-2\n", stderr: "err-1\n" });
  assert.deepEqual(await engine.logs(id, { tail: 1 }), { stdout: "out-2\n", stderr: "" });

  // The order between stdout and stderr is not kept (two pipes); within each stream it is.
  const followed = { stdout: "", stderr: "" };
  for await (const chunk of engine.followLogs(id)) followed[chunk.stream] += chunk.text;
  assert.deepEqual(followed, { stdout: "out-1\nout-2\n", stderr: "err-1\n" });
});

test("containers are listed by label, and removed ones are gone", async (t) => {
  const marker = testName("marker");
  const first = await create(t, { command: ["sleep", "30"], labels: { "slipway.test.marker": marker } });
  const second = await create(t, { command: ["sleep", "30"], labels: { "slipway.test.marker": marker } });
  await create(t, { command: ["sleep", "30"] });
  await engine.startContainer(first.id);

  const running = await engine.listContainers({ labels: { "slipway.test.marker": marker } });
  assert.deepEqual(
    running.map((c) => c.name),
    [first.name],
  );
  const all = await engine.listContainers({ labels: { "slipway.test.marker": marker }, all: true });
  assert.deepEqual(all.map((c) => c.name).sort(), [first.name, second.name].sort());

  assert.equal(await engine.removeContainer(first.id, { force: true }), true);
  assert.equal(await engine.removeContainer(first.id, { force: true }), false);
  assert.equal(await engine.inspectContainer(first.id), undefined);
  const left = await engine.listContainers({ labels: { "slipway.test.marker": marker }, all: true });
  assert.deepEqual(
    left.map((c) => c.name),
    [second.name],
  );
});

test("a missing image or container is a clear error", async () => {
  await assert.rejects(engine.createContainer({ image: "slipway-test-no-such-image:1", labels: testLabels() }), (error: unknown) => {
    assert.ok(isSlipwayError(error, "IMAGE_NOT_FOUND"), String(error));
    assert.match(error.message, /slipway-test-no-such-image:1/);
    return true;
  });
  await assert.rejects(engine.startContainer("slipway-test-no-such-container"), (error: unknown) => {
    assert.ok(isSlipwayError(error, "CONTAINER_NOT_FOUND"), String(error));
    assert.match(error.message, /no container slipway-test-no-such-container/);
    return true;
  });
});

test("a name already in use is refused with the engine's reason", async (t) => {
  const { name } = await create(t, { command: ["true"] });
  await assert.rejects(engine.createContainer({ image: base, name, command: ["true"], labels: testLabels() }), (error: unknown) => {
    assert.ok(isSlipwayError(error, "ENGINE_FAILED"), String(error));
    assert.match(error.message, new RegExp(`creating container ${name} failed: .*already in use`));
    return true;
  });
});
