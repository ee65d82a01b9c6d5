import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, request as forward, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { serviceSelector } from "../../../src/deploy/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { ensureListenerMigration, startDeployWorld, type DeployWorld } from "../../harness/deploy.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun, testLabels, testName } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { freePort, waitForBody } from "../proxy/helpers.js";
import { createGitApp, gitAppYaml, startFromConfig, within, type StartedController } from "./controller-world.js";

/**
 * A registry with immutable tags (Harbor, ECR with tag immutability) refuses to move an
 * environment tag. The real registry sits behind a small HTTP proxy that forwards everything
 * but a PUT of a manifest under the tag `test1`, which it answers as such a registry does. The
 * pipeline's tag step fails and the run says so, but the deployment still happens: it takes
 * the exact reference built, not the tag.
 */
let engine: Engine;
let world: DeployWorld;
let registry: TestRegistry;
let proxy: Server;
let root: string;
let started: StartedController | undefined;
const service = testName("immutable");

before(async () => {
  engine = await ensureEngine();
  ensureListenerMigration();
  root = mkdtempSync(join(tmpdir(), "slipway-tag-refused-"));
  world = await startDeployWorld(engine, await freePort());
  process.env.SLIPWAY_PROXY_ADMIN = world.handle.adminUrl;
  registry = await startRegistry();
  proxy = await immutableTagProxy(registry.host, "test1");
});

after(async () => {
  await started?.controller.stop();
  if (engine !== undefined) {
    for (const c of await engine.listContainers({ labels: serviceSelector(service, "test1"), all: true })) await engine.removeContainer(c.id, { force: true });
    await cleanupTestRun(engine);
  }
  await world?.stop();
  proxy?.close();
  await registry?.stop();
  delete process.env.SLIPWAY_PROXY_ADMIN;
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

test("a registry that refuses the environment tag fails the tag step and the run, but the service is still deployed by the reference built", async () => {
  const app = await createGitApp(join(root, "git"));
  const address = proxy.address();
  const host = `127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  const published = await freePort();
  const dir = join(root, "project");
  mkdirSync(dir, { recursive: true });
  started = await startFromConfig({
    dir,
    stateDir: world.stateDir,
    store: world.store,
    engine,
    yaml: gitAppYaml({ registry: `${host}/immutable`, remote: app.remote, service, published, labels: testLabels() }),
  });
  const commit = await app.commit("test.1", "immutable page");
  const [queued] = started.controller.triggerPipelines("app", "test.1", "test", { commit });
  assert.equal(queued?.environment, "test1");
  await within(started.controller.queue.idle(), 300_000, "the test1 pipeline");

  const [run] = await world.store.listPipelineRuns({ environment: "test1", limit: 1 });
  assert.equal(run?.status, "failed");
  assert.match(run?.error ?? "", /^tagging for test1 failed: .*tag test1 is immutable/);
  const steps = await world.store.listPipelineSteps(run?.id ?? 0);
  assert.deepEqual(
    steps.map((s) => [s.name, s.status]),
    [
      ["plan", "done"],
      ["build", "done"],
      ["tag", "failed"],
      [`deploy ${service}`, "done"],
    ],
  );
  await waitForBody(`http://127.0.0.1:${published}/`, "immutable page", 30_000);
});

/** Forwards every request to `upstream`, except a manifest PUT under `tag`, refused as an immutable-tag registry does. */
async function immutableTagProxy(upstream: string, tag: string): Promise<Server> {
  const [upstreamHost, upstreamPort] = upstream.split(":");
  const server = createServer((incoming, outgoing) => {
    if (incoming.method === "PUT" && new RegExp(`^/v2/.+/manifests/${tag}$`).test(incoming.url ?? "")) {
      incoming.resume();
      outgoing.writeHead(400, { "content-type": "application/json" });
      outgoing.end(JSON.stringify({ errors: [{ code: "TAG_INVALID", message: `tag ${tag} is immutable` }] }));
      return;
    }
    const upstreamRequest = forward(
      { host: upstreamHost, port: Number(upstreamPort), method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstreamRequest.on("error", () => outgoing.destroy());
    incoming.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}
