import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../../src/config/index.js";
import { startController, type Controller } from "../../../src/controller/controller.js";
import { deployService, specFromConfig } from "../../../src/deploy/index.js";
import { createApiToken } from "../../../src/server/tokens.js";
import { runSlipway } from "../../harness/cli.js";
import { webServiceYaml } from "../../harness/deploy.js";
import { testName } from "../../harness/labels.js";
import { freePort, startLoad, waitForBody } from "../proxy/helpers.js";
import { useDeployFixture } from "./fixture.js";

/**
 * Four services switch at the same moment through one Caddy: two by the controller's API (its
 * work queue runs them side by side), one each by two `slipway deploy` processes. Every
 * deployment changes Caddy's config; none may fail on another's change, and no request may fail.
 */
const fixture = useDeployFixture();
const dirs: string[] = [];
let controller: Controller | undefined;

after(async () => {
  await controller?.stop();
  delete process.env.SLIPWAY_PROXY_ADMIN;
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test("four services deployed at once by one controller and two CLI processes: all succeed, 0 failed requests, each serves only v2", async () => {
  const f = fixture();
  const dir = mkdtempSync(join(tmpdir(), "slipway-four-"));
  dirs.push(dir);
  const services = await Promise.all(["a", "b", "c", "d"].map(async (key) => ({ name: testName(`four-${key}`), port: await freePort() })));
  writeFileSync(
    join(dir, "slipway.yml"),
    ["services:", ...services.flatMap(({ name, port }) => webServiceYaml({ name, image: f.images.v1 ?? "", port })), ""].join("\n"),
  );
  const loaded = await loadConfig({ cwd: dir, env: {} });
  for (const { name } of services) {
    const spec = specFromConfig({ config: loaded.config, configDir: dir, service: name, environment: "default", image: f.images.v1 ?? "" });
    assert.equal((await deployService(f.world.ports, { spec, trigger: "test" })).status, "succeeded");
  }
  const urls = services.map(({ port }) => `http://127.0.0.1:${port}/`);
  for (const url of urls) await waitForBody(url, "v1", 5_000);

  process.env.SLIPWAY_PROXY_ADMIN = f.world.handle.adminUrl;
  controller = await startController({
    loaded,
    stateDir: f.world.stateDir,
    store: f.world.store,
    engine: f.engine,
    listen: { host: "127.0.0.1", port: await freePort() },
    logger: false,
    concurrency: 4,
  });
  const { token } = await createApiToken(f.world.store, testName("four"));
  const viaApi = (service: string): Promise<{ status: number; body: unknown }> =>
    fetch(`${controller?.url ?? ""}/api/v1/deployments`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ service, image: f.images.v2 }),
    }).then(async (answer) => ({ status: answer.status, body: (await answer.json()) as unknown }));
  const env = { SLIPWAY_STATE_DIR: f.world.stateDir, SLIPWAY_PROXY_ADMIN: f.world.handle.adminUrl };
  const viaCli = (service: string) => runSlipway(["deploy", service, "--image", f.images.v2 ?? "", "--json"], { cwd: dir, env });

  const loads = urls.map((url) => startLoad(url, { clients: 2, timeoutMs: 2_000 }));
  await sleep(300);
  const [a, b, c, d] = services.map((s) => s.name);
  const [apiA, apiB, cliC, cliD] = await Promise.all([viaApi(a ?? ""), viaApi(b ?? ""), viaCli(c ?? ""), viaCli(d ?? "")]);
  await sleep(1_000);
  const samples = await Promise.all(loads.map((load) => load.stop()));

  for (const answer of [apiA, apiB]) assert.equal(answer.status, 200, JSON.stringify(answer.body));
  for (const run of [cliC, cliD]) {
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { status: string }).status, "succeeded");
  }
  samples.forEach((list, index) => {
    const failed = list.filter((s) => s.error !== undefined);
    assert.equal(failed.length, 0, `${services[index]?.name ?? ""}: ${failed.length} of ${list.length} requests failed: ${failed[0]?.error ?? ""}`);
    assert.ok(list.length > 10, `only ${list.length} requests were sent`);
    // Once v2 answered, v1 never did again: one switch per service, none undone by another's.
    const switchedAt = list.find((s) => s.body === "v2")?.endedAt;
    assert.ok(switchedAt !== undefined, "v2 never answered");
    const late = list.filter((s) => s.startedAt > switchedAt && s.body !== "v2");
    assert.equal(late.length, 0, `v1 answered ${late.length} requests sent after v2 first answered`);
  });
  for (const url of urls) await waitForBody(url, "v2", 1_000);
});
