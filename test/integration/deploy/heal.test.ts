import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadConfig } from "../../../src/config/index.js";
import { startController, type Controller } from "../../../src/controller/controller.js";
import { deployService, planConvergence, runtimeOf, specFromConfig, type ServiceSpec } from "../../../src/deploy/index.js";
import { publishedPort } from "../../../src/engine/index.js";
import { runSlipway } from "../../harness/cli.js";
import { serviceContainers, webCommand } from "../../harness/deploy.js";
import { testName } from "../../harness/labels.js";
import { freePort, waitForBody } from "../proxy/helpers.js";
import { deployV1, newWebService, useDeployFixture } from "./fixture.js";

/**
 * Drift, healed: a replica restarted by its restart policy comes back on a new host port, so the
 * route the proxy holds dials a dead address. `deploy` of the same revision repairs it instead
 * of saying "nothing to do", the controller's reconcile loop repairs it on the engine's event
 * with no command run, and `slipway down` takes a service away while keeping its revisions.
 */
const fixture = useDeployFixture();
const dirs: string[] = [];
let controller: Controller | undefined;

after(async () => {
  await controller?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function restartReplica(spec: ServiceSpec): Promise<{ before: number | undefined; after: number | undefined }> {
  const { engine } = fixture();
  const [container] = await serviceContainers(engine, spec);
  assert.ok(container, "the service has no container");
  const portOf = async (): Promise<number | undefined> => {
    const details = await engine.inspectContainer(container.id);
    return details === undefined ? undefined : publishedPort(details, 8080, "tcp");
  };
  const before = await portOf();
  await engine.stopContainer(container.id, { timeoutSeconds: 1 });
  await engine.startContainer(container.id);
  return { before, after: await portOf() };
}

async function answers(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return `${response.status} ${await response.text()}`;
  } catch (error) {
    return String(error);
  }
}

test("a restarted replica on a new port: the plan is one switch, and deploy of the same revision repairs it", async () => {
  const f = fixture();
  const web = await newWebService(f, "heal", { restart: { policy: "always" } });
  await deployV1(f, web);
  const ports = await restartReplica(web.v1);
  assert.notEqual(ports.after, ports.before, "the engine gave the restarted container the same host port; the test proves nothing");
  assert.notEqual(await answers(web.url), "200 v1", "the proxy still reaches the restarted replica");

  const runtime = runtimeOf(f.world.ports);
  const [current] = await f.world.store.listRevisions(web.v1.service, web.v1.environment, { limit: 1 });
  assert.ok(current);
  const planned = await planConvergence({ runtime, target: { revision: current.revision, spec: web.v1 }, service: web.v1, deploymentId: 0 });
  assert.deepEqual(
    planned.steps.map((s) => s.id),
    ["switch"],
  );

  const result = await deployService(f.world.ports, { spec: web.v1, trigger: "test" });
  assert.equal(result.status, "unchanged");
  assert.ok(
    result.status === "unchanged" && result.repaired !== undefined && result.repaired.some((line) => line.startsWith("switch")),
    JSON.stringify(result),
  );
  await waitForBody(web.url, "v1", 5_000);
  const audit = await f.world.store.listAudit({ limit: 5 });
  assert.ok(
    audit.some((entry) => entry.action === "reconcile" && entry.subject === web.v1.service),
    "the repair is not in the audit",
  );
});

test("slipway serve repairs a restarted replica's route on the engine's event, with no command run", async () => {
  const f = fixture();
  const service = testName("healing");
  const published = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "slipway-heal-"));
  dirs.push(dir);
  writeFileSync(
    join(dir, "slipway.yml"),
    [
      "controller:",
      // Only the engine's events can repair it within the test: the timer is an hour.
      "  reconcile: 1h",
      "services:",
      `  ${service}:`,
      `    image: ${f.images.v1 ?? ""}`,
      `    command: ${JSON.stringify(webCommand(8080)).replaceAll("$", "$$$$")}`,
      `    ports: ["127.0.0.1:${published}:8080"]`,
      "    restart: always",
      "    stop_grace_period: 2s",
      "    health: { http: /, interval: 200ms, deadline: 30s }",
      "    update: { strategy: blue-green, drain: 300ms }",
      "",
    ].join("\n"),
  );
  const loaded = await loadConfig({ cwd: dir, env: {} });
  const spec = { ...specFromConfig({ config: loaded.config, configDir: dir, service, environment: "default", image: f.images.v1 ?? "" }) };
  assert.equal((await deployService(f.world.ports, { spec, trigger: "test" })).status, "succeeded");
  const url = `http://127.0.0.1:${published}/`;
  await waitForBody(url, "v1", 5_000);
  const env = { SLIPWAY_STATE_DIR: f.world.stateDir, SLIPWAY_PROXY_ADMIN: f.world.handle.adminUrl };

  // Drift shows: status names the repair, doctor fails the services check.
  await restartReplica(spec);
  const status = await runSlipway(["status", "--json"], { cwd: dir, env });
  assert.equal(status.code, 0, status.stderr);
  const [row] = JSON.parse(status.stdout) as { drift?: string[] }[];
  assert.ok(
    row?.drift?.some((line) => line.startsWith("switch")),
    status.stdout,
  );
  const doctor = await runSlipway(["doctor"], { cwd: dir, env });
  assert.notEqual(doctor.code, 0);
  assert.match(doctor.stdout, /FAIL services: .*drifted from the current revision/);

  process.env.SLIPWAY_PROXY_ADMIN = f.world.handle.adminUrl;
  try {
    controller = await startController({
      loaded,
      stateDir: f.world.stateDir,
      store: f.world.store,
      engine: f.engine,
      listen: { host: "127.0.0.1", port: await freePort() },
      logger: false,
    });
    const ports = await restartReplica(spec);
    assert.notEqual(ports.after, ports.before);
    const upAt = Date.now();
    await waitForBody(url, "v1", 5_000);
    assert.ok(Date.now() - upAt < 5_000);
  } finally {
    await controller?.stop();
    controller = undefined;
    delete process.env.SLIPWAY_PROXY_ADMIN;
  }

  // `slipway down`: the containers and the route go, the revisions stay; a later deploy brings it back.
  const dry = await runSlipway(["down", service, "--dry-run"], { cwd: dir, env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /unroute/);
  assert.equal((await serviceContainers(f.engine, spec)).length, 1, "a dry run touched the service");
  const down = await runSlipway(["down", service], { cwd: dir, env });
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /is down/);
  assert.deepEqual(await serviceContainers(f.engine, spec), []);
  assert.doesNotMatch(await answers(url), /^200/);
  const reconciled = await runSlipway(["reconcile", service, "--json"], { cwd: dir, env });
  assert.equal(reconciled.code, 0, reconciled.stderr);
  assert.equal((JSON.parse(reconciled.stdout) as { outcome: string }[])[0]?.outcome, "in-sync", "reconcile brought a service that is down back");
  const up = await runSlipway(["rollback", service], { cwd: dir, env });
  assert.equal(up.code, 0, up.stderr);
  await waitForBody(url, "v1", 5_000);
});

test("a replica removed behind Slipway's back is recreated by deploy of the same revision", async () => {
  const f = fixture();
  const web = await newWebService(f, "gone", { replicas: 2 });
  await deployV1(f, web);
  const [first] = await serviceContainers(f.engine, web.v1);
  assert.ok(first);
  await f.engine.removeContainer(first.id, { force: true });
  const result = await deployService(f.world.ports, { spec: web.v1, trigger: "test" });
  assert.equal(result.status, "unchanged");
  assert.ok(result.status === "unchanged" && (result.repaired ?? []).some((line) => line.startsWith("create")), JSON.stringify(result));
  assert.equal((await serviceContainers(f.engine, web.v1)).filter((c) => c.state === "running").length, 2);
  await waitForBody(web.url, "v1", 5_000);
});
