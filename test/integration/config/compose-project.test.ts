import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, test } from "node:test";
import { loadConfig } from "../../../src/config/index.js";
import { deployService, specFromConfig } from "../../../src/deploy/index.js";
import { serviceContainers, webCommand } from "../../harness/deploy.js";
import { cleanupTestRun, testName } from "../../harness/labels.js";
import { freePort, waitForBody } from "../proxy/helpers.js";
import { useDeployFixture } from "../deploy/fixture.js";

/**
 * A team moving from docker-compose to Slipway keeps its state: the compose file names the
 * compose project it ran as (x-slipway: { project: NAME }), so its named volume data is
 * NAME_data, the volume docker-compose made and filled, and the service Slipway deploys sees
 * the files left in it. The file, with Slipway's keys under x-slipway, is one docker-compose
 * itself accepts.
 */
const run = promisify(execFile);
const fixture = useDeployFixture();
const dirs: string[] = [];
const projects: { dir: string; project: string }[] = [];
const services: string[] = [];

after(async () => {
  for (const { dir, project } of projects) await run("docker-compose", ["-f", join(dir, "docker-compose.yml"), "-p", project, "down"]).catch(() => undefined);
  const { engine } = fixture();
  await cleanupTestRun(engine);
  for (const service of services) {
    for (const container of await serviceContainers(engine, { service, environment: "default" })) await engine.removeContainer(container.id, { force: true });
  }
  for (const { project } of projects) await engine.removeVolume(`${project}_data`).catch(() => false);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function composeFile(options: { project: string; service: string; image: string; published: number; bare?: boolean }): string {
  const slipwayKeys = ["update: { strategy: recreate }", "health: { http: /, interval: 200ms, deadline: 30s }"];
  return [
    "x-slipway:",
    `  project: ${options.project}`,
    "services:",
    `  ${options.service}:`,
    `    image: ${options.image}`,
    `    command: ${JSON.stringify(webCommand(8080, { volume: true })).replaceAll("$", "$$$$")}`,
    `    ports: ["127.0.0.1:${options.published}:8080"]`,
    "    volumes: [data:/data]",
    "    stop_grace_period: 2s",
    ...(options.bare === true ? slipwayKeys.map((line) => `    ${line}`) : ["    x-slipway:", ...slipwayKeys.map((line) => `      ${line}`)]),
    "volumes:",
    "  data:",
    "",
  ].join("\n");
}

test("x-slipway.project adopts the volume docker-compose made for the project: the deployed service sees its files", async () => {
  const f = fixture();
  const dir = mkdtempSync(join(tmpdir(), "slipway-compose-project-"));
  dirs.push(dir);
  const project = testName("shop");
  const service = testName("web");
  services.push(service);
  const published = await freePort();
  const image = f.images.v1 ?? "";
  const file = join(dir, "docker-compose.yml");
  writeFileSync(file, composeFile({ project, service, image, published }));
  writeFileSync(join(dir, "slipway.yml"), "compose: docker-compose.yml\n");
  projects.push({ dir, project });

  // docker-compose accepts the file, and makes and fills the project's volume as it would for `up`.
  await run("docker-compose", ["-f", file, "-p", project, "config", "--quiet"]);
  await run("docker-compose", ["-f", file, "-p", project, "run", "--rm", "-T", "--no-deps", service, "sh", "-c", "printf 'kept by compose' > /data/first"]);
  const volume = await f.engine.listVolumes({ labels: { "com.docker.compose.project": project } });
  assert.deepEqual(
    volume.map((v) => v.name),
    [`${project}_data`],
    "docker-compose did not name the volume <project>_data",
  );

  const loaded = await loadConfig({ cwd: dir, env: {} });
  assert.deepEqual(loaded.warnings, []);
  const spec = specFromConfig({ config: loaded.config, configDir: dir, service, environment: "default", image });
  assert.deepEqual(spec.volumes, [{ type: "volume", source: `${project}_data`, target: "/data", readOnly: false }]);
  assert.equal(spec.update.strategy, "recreate", "x-slipway's update: was not read");

  const result = await deployService(f.world.ports, { spec, trigger: "test" });
  assert.equal(result.status, "succeeded", JSON.stringify(result));
  // The web command keeps /data/first when it exists and serves it as /first.txt.
  await waitForBody(`http://127.0.0.1:${published}/first.txt`, "kept by compose", 10_000);
  const [container] = await serviceContainers(f.engine, spec);
  assert.ok(container, "the service has no container");
  const details = await f.engine.inspectContainer(container.id);
  assert.deepEqual(
    details?.raw.Mounts.map((m) => `${m.Type}:${m.Name ?? ""}:${m.Destination}`),
    [`volume:${project}_data:/data`],
  );
});

test("docker-compose rejects Slipway's keys bare in a service, which is why Slipway warns about them", async () => {
  const f = fixture();
  const dir = mkdtempSync(join(tmpdir(), "slipway-compose-bare-"));
  dirs.push(dir);
  const service = testName("web");
  const file = join(dir, "docker-compose.yml");
  writeFileSync(file, composeFile({ project: testName("bare"), service, image: f.images.v1 ?? "", published: await freePort(), bare: true }));
  writeFileSync(join(dir, "slipway.yml"), "compose: docker-compose.yml\n");

  await assert.rejects(run("docker-compose", ["-f", file, "config", "--quiet"]), (error: Error & { stderr?: string }) => {
    assert.match(error.stderr ?? "", /update|health/);
    return true;
  });
  const loaded = await loadConfig({ cwd: dir, env: {} });
  assert.equal(loaded.config.services[service]?.update.strategy, "recreate");
  assert.deepEqual(
    loaded.warnings.map((line) => line.replace(/: docker-compose rejects.*/, "")),
    [`docker-compose.yml:10:5: services.${service}.update`, `docker-compose.yml:11:5: services.${service}.health`],
  );
});
