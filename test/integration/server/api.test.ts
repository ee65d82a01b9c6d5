import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createApiToken } from "../../../src/server/tokens.js";
import { serviceSelector } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { buildWebImages, OFFLINE_REGISTRY, webCommand } from "../../harness/deploy.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testName } from "../../harness/labels.js";
import { freePort, get, waitForBody } from "../proxy/helpers.js";
import { api, errorOf, slipway, startApiWorld, type ApiWorld } from "./helpers.js";

// One controller for the file: a project with one blue-green busybox-httpd service behind a
// real Caddy, a SQLite store with a token, the real engine.
let engine: Engine | undefined;
let world: ApiWorld | undefined;
let service = "";
let url = "";
let emptyDir = "";

before(async () => {
  engine = await ensureEngine();
  const images = await buildWebImages(engine, ["v1"]);
  const published = await freePort();
  service = testName("api-web");
  url = `http://127.0.0.1:${published}/`;
  world = await startApiWorld(engine, {
    services: {
      [service]: {
        image: images.v1,
        command: webCommand(8080).map((part) => part.replaceAll("${", () => "$${")), // not slipway.yml's ${VARIABLES}
        ports: [`127.0.0.1:${published}:8080`],
        health: { http: "/", interval: "200ms", deadline: "20s" },
        update: { strategy: "blue-green", drain: "300ms" },
      },
    },
  });
  emptyDir = mkdtempSync(join(tmpdir(), "slipway-remote-cli-"));
});

after(async () => {
  await world?.stop();
  if (engine !== undefined) {
    // The service's containers carry Slipway's labels (slipway.yml may not set slipway.* ones).
    for (const c of await engine.listContainers({ labels: serviceSelector(service, "default"), all: true }))
      await engine.removeContainer(c.id, { force: true, volumes: true });
    await cleanupTestRun(engine);
  }
  if (emptyDir !== "") rmSync(emptyDir, { recursive: true, force: true });
});

function w(): ApiWorld {
  assert.ok(world, "the controller did not start");
  return world;
}

/** The CLI in a directory with no slipway.yml, talking to the controller. */
function remote(args: readonly string[], token: string | undefined = w().token) {
  return slipway(emptyDir, args, { SLIPWAY_URL: w().controller.url, SLIPWAY_TOKEN: token, SLIPWAY_STATE_DIR: join(emptyDir, "state") });
}

/** The CLI on the project itself (no SLIPWAY_URL), on the controller's state dir. */
function local(args: readonly string[]) {
  return slipway(w().projectDir, ["--state-dir", w().stateDir, ...args], { SLIPWAY_URL: undefined, SLIPWAY_TOKEN: undefined });
}

test("every /api route refuses a request without a token, with a wrong one, and with a revoked one (401 JSON)", async () => {
  const revoked = (await createApiToken(w().store, "gone")).token;
  assert.equal((await api(w(), "GET", "/api/v1/status", { token: revoked })).status, 200, "the token works before it is revoked");
  assert.ok(await w().store.revokeToken("gone"));
  for (const token of [null, "slw_not-a-token", revoked]) {
    for (const [method, path] of [
      ["GET", "/api/v1/status"],
      ["POST", "/api/v1/deployments"],
      ["GET", "/api/v1/tokens"],
    ] as const) {
      const answer = await api(w(), method, path, { token, ...(method === "POST" ? { body: { service } } : {}) });
      assert.equal(answer.status, 401, `${method} ${path} with ${token === null ? "no token" : "a bad token"}`);
      assert.equal(errorOf(answer).code, "API_UNAUTHORIZED");
      assert.match(answer.headers.get("www-authenticate") ?? "", /^Bearer/);
    }
  }
  assert.equal((await w().store.listDeployments({ service })).length, 0, "nothing was deployed");
});

test("a bad body answers 400 API_BAD_REQUEST naming what is wrong; an unknown service 404 SERVICE_NOT_FOUND", async () => {
  const missing = await api(w(), "POST", "/api/v1/deployments", { body: {} });
  assert.equal(missing.status, 400);
  assert.equal(errorOf(missing).code, "API_BAD_REQUEST");
  assert.match(errorOf(missing).message, /body\.service: required/);

  const wrong = await api(w(), "POST", "/api/v1/deployments", { body: { service: 42, force: "yes", colour: "red" } });
  assert.equal(wrong.status, 400);
  assert.match(errorOf(wrong).message, /body\.service: expected a string/);
  assert.match(errorOf(wrong).message, /body\.force: expected true or false/);
  assert.match(errorOf(wrong).message, /unknown key "colour"/);

  const malformed = await api(w(), "POST", "/api/v1/deployments", { body: "{not json" });
  assert.equal(malformed.status, 400);

  const unknown = await api(w(), "POST", "/api/v1/deployments", { body: { service: "nosuch" } });
  assert.equal(unknown.status, 404);
  assert.equal(errorOf(unknown).code, "SERVICE_NOT_FOUND");
  assert.match(errorOf(unknown).hint ?? "", new RegExp(service));

  const noSource = await api(w(), "POST", "/api/v1/promotions", { body: { service, to: "default" } });
  assert.deepEqual([noSource.status, errorOf(noSource).code], [400, "API_BAD_REQUEST"]);
  assert.match(errorOf(noSource).message, /body\.from: required/);
  const same = await api(w(), "POST", "/api/v1/promotions", { body: { service, from: "default", to: "default" } });
  assert.equal(errorOf(same).message, "promote takes two different environments: --from and --to are both default");

  const run = await api(w(), "GET", "/api/v1/pipelines/999");
  assert.deepEqual([run.status, errorOf(run).code], [404, "PIPELINE_NOT_FOUND"]);
  const source = await api(w(), "POST", "/api/v1/pipelines", { body: { source: "nosuch" } });
  assert.deepEqual([source.status, errorOf(source).code], [404, "SOURCE_NOT_FOUND"]);
  assert.equal((await w().store.listDeployments({ service })).length, 0, "nothing was deployed");
});

test("GET /api/v1/status lists the service, not yet deployed; GET /api/v1/tokens lists names only", async () => {
  const answer = await api(w(), "GET", "/api/v1/status");
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, [{ service, environment: "default", containers: [] }]);
  const tokens = await api(w(), "GET", "/api/v1/tokens");
  assert.deepEqual(
    (tokens.body as { name: string }[]).map((t) => t.name),
    ["test"],
  );
  assert.doesNotMatch(JSON.stringify(tokens.body), new RegExp(w().token.slice(4, 20)));
});

test("POST /api/v1/deployments deploys the service, which answers; history and status show it", async () => {
  const answer = await api(w(), "POST", "/api/v1/deployments", { body: { service } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const outcome = answer.body as { status: string; revision: number; deployment: number; environment: string };
  assert.deepEqual([outcome.status, outcome.revision, outcome.environment], ["succeeded", 1, "default"]);
  await waitForBody(url, "v1", 5_000);

  const history = await api(w(), "GET", `/api/v1/services/${service}/history`);
  const body = history.body as {
    environment: string;
    deployments: { id: number; status: string; trigger: string; toRevision: number; steps: unknown[]; log?: string }[];
  };
  assert.equal(body.environment, "default");
  assert.deepEqual(
    body.deployments.map((d) => [d.id, d.status, d.trigger, d.toRevision]),
    [[outcome.deployment, "succeeded", "api", 1]],
  );
  assert.ok((body.deployments[0]?.steps.length ?? 0) > 0);
  assert.equal(body.deployments[0]?.log, undefined, "logs only with ?logs=true");

  const status = (await api(w(), "GET", "/api/v1/status")).body as { revision?: number; containers: { state: string }[] }[];
  assert.equal(status[0]?.revision, 1);
  assert.deepEqual(
    status[0]?.containers.map((c) => c.state),
    ["running"],
  );
});

test("a deployment that fails answers its error JSON with the deployment record, and the old revision keeps serving", async () => {
  // No registry listens on 127.0.0.1:1: the pull fails, and the deployment is recorded as failed.
  const image = `${OFFLINE_REGISTRY}/${testName("missing")}:v9`;
  const answer = await api(w(), "POST", "/api/v1/deployments", { body: { service, image } });
  assert.equal(answer.status, 502, JSON.stringify(answer.body));
  assert.equal(errorOf(answer).code, "REGISTRY_UNREACHABLE");
  assert.match(errorOf(answer).message, /127\.0\.0\.1:1/);
  const record = (answer.body as { deployment?: { status: string; service: string; trigger: string; error: string } }).deployment;
  assert.deepEqual([record?.status, record?.service, record?.trigger], ["failed", service, "api"]);
  assert.equal((await get(url)).body, "v1");
});

test("the CLI with SLIPWAY_URL, from a directory without slipway.yml, prints what the local CLI prints and deploys through the controller", async () => {
  const statusJson = await remote(["status", "--json"]);
  assert.equal(statusJson.code, 0, statusJson.stderr);
  assert.deepEqual(JSON.parse(statusJson.stdout), (await api(w(), "GET", "/api/v1/status")).body);

  for (const args of [["status"], ["history", service], ["history", service, "--json", "--logs"], ["plan"], ["plan", "--json"], ["build", "--json"]]) {
    const [there, here] = await Promise.all([remote(args), local(args)]);
    assert.equal(here.code, 0, here.stderr);
    assert.equal(there.code, 0, there.stderr);
    assert.equal(there.stdout, here.stdout, `slipway ${args.join(" ")} prints the same remotely`);
  }

  const unchanged = await remote(["deploy", service]);
  assert.equal(unchanged.code, 0, unchanged.stderr);
  assert.match(unchanged.stdout, new RegExp(`^${service} \\(default\\) already runs revision 1 with this spec and image; nothing to do`));

  const [newest] = await w().store.listRevisions(service, "default", { limit: 1 });
  const forced = await remote(["deploy", service, "--force", "--json"]);
  assert.equal(forced.code, 0, forced.stderr);
  const result = JSON.parse(forced.stdout) as { status: string; revision: number; deployment: number };
  assert.deepEqual([result.status, result.revision], ["succeeded", (newest?.revision ?? 0) + 1]);
  const [last] = await w().store.listDeployments({ service, limit: 1 });
  assert.deepEqual([last?.id, last?.trigger], [result.deployment, "api"], "the controller ran it");
  assert.equal((await get(url)).body, "v1");
});

test("the remote CLI reports the controller's errors with their codes and exit 2, and CONTROLLER_UNREACHABLE when nothing listens", async () => {
  const unknown = await remote(["deploy", "nosuch"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^error\[SERVICE_NOT_FOUND\]: there is no service "nosuch" in slipway\.yml/m);

  const refused = await remote(["status"], "slw_wrong");
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^error\[API_UNAUTHORIZED\]/m);
  assert.match(refused.stderr, /SLIPWAY_TOKEN/);

  const port = await freePort();
  const nobody = await slipway(emptyDir, ["status"], { SLIPWAY_URL: `http://127.0.0.1:${port}`, SLIPWAY_TOKEN: w().token });
  assert.equal(nobody.code, 2);
  assert.match(nobody.stderr, new RegExp(`^error\\[CONTROLLER_UNREACHABLE\\]: no Slipway controller answers at http://127\\.0\\.0\\.1:${port}`, "m"));
  assert.doesNotMatch(nobody.stderr, new RegExp(w().token.slice(4)), "the token is never printed");

  const noConfig = await slipway(emptyDir, ["status"], { SLIPWAY_URL: undefined });
  assert.equal(noConfig.code, 2);
  assert.match(noConfig.stderr, /CONFIG_NOT_FOUND/, "without SLIPWAY_URL the same directory has no project");
});
