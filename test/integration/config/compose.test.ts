import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadComposeServices, parseComposeText } from "../../../src/config/compose.js";
import { composeServices } from "../../../src/config/compose-services.js";
import type { ServiceConfig } from "../../../src/config/service-schema.js";
import { isSlipwayError } from "../../../src/errors/index.js";

const run = promisify(execFile);
const fixture = fileURLToPath(new URL("../../../../test/fixtures/compose/docker-compose.yml", import.meta.url));
const fixtureDir = dirname(fixture);
const MiB = 1024 * 1024;

/** What the fixture's web service must normalize to, field by field. */
const expectedWeb: ServiceConfig = {
  image: "busybox:1.36",
  command: ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"],
  ports: [
    { published: 18080, target: 8080, protocol: "tcp", hostIp: "127.0.0.1" },
    { published: 18443, target: 8443, protocol: "tcp" },
  ],
  volumes: [
    { type: "volume", source: "site", target: "/www", readOnly: false },
    { type: "bind", source: "./conf", target: "/etc/web", readOnly: true },
    { type: "tmpfs", target: "/tmp", readOnly: false },
    { type: "tmpfs", target: "/run", readOnly: false, sizeBytes: 16 * MiB },
  ],
  environment: { GREETING: "hello", PORT: "8080", DEBUG: "false" },
  envFiles: [{ path: "web.env", required: true }],
  labels: { "com.example.team": "web", "com.example.tier": "frontend", "com.example.role": "http" },
  restart: { policy: "on-failure", maxRetries: 3 },
  memoryBytes: 64 * MiB,
  cpus: 0.5,
  user: "1000:1000",
  workingDir: "/www",
  hostname: "web",
  networks: [
    { name: "front", aliases: ["www", "web.internal"] },
    { name: "back", aliases: [] },
  ],
  healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], interval: 5_000, timeout: 2_000, retries: 3, startPeriod: 10_000 },
  replicas: 1,
  stopGracePeriod: 30_000,
  stopSignal: "SIGTERM",
  init: true,
  readOnly: true,
  dependsOn: [],
  health: { kind: "docker", startPeriod: 0, interval: 2_000, timeout: 5_000, deadline: 60_000 },
  update: { strategy: "recreate", batch: 1, drain: 10_000, keep: 5, allowSharedVolumes: false, hostsParallel: 1 },
};

test("docker-compose itself accepts the fixture, so it is a compose file people really write", async () => {
  const { stdout } = await run("docker-compose", ["--project-directory", fixtureDir, "-f", fixture, "config", "--services"]);
  assert.deepEqual(stdout.trim().split("\n"), ["web"]);
});

test("a realistic docker-compose.yml loads into a fully normalized service", async () => {
  const file = await loadComposeServices(fixture, { env: {} });
  assert.deepEqual(file.volumes, ["site"]);
  assert.deepEqual(file.networks, ["front", "back"]);
  const services = composeServices(file);
  assert.deepEqual(Object.keys(services), ["web"]);
  const web = services["web"];
  assert.ok(web);
  for (const key of Object.keys(expectedWeb) as (keyof ServiceConfig)[]) {
    assert.deepEqual(web[key], expectedWeb[key], `field ${key}`);
  }
  assert.deepEqual(web, expectedWeb);
  assert.deepEqual(file.position(["services", "web", "healthcheck"]), { line: 40, col: 7 });
});

test("compose's own canonical form of the file normalizes to the same service", async () => {
  const { stdout } = await run("docker-compose", ["--project-directory", fixtureDir, "-f", fixture, "config"]);
  const canonical = composeServices(parseComposeText(stdout, { path: "canonical.yml" }))["web"];
  // compose resolves bind sources to absolute paths, inlines env files into environment and sorts networks by name.
  const expected: ServiceConfig = {
    ...expectedWeb,
    volumes: expectedWeb.volumes.map((volume) => (volume.type === "bind" ? { ...volume, source: join(fixtureDir, "conf") } : volume)),
    environment: { ...expectedWeb.environment, LOG_LEVEL: "info" },
    envFiles: [],
    networks: [...expectedWeb.networks].sort((a, b) => a.name.localeCompare(b.name)),
  };
  assert.deepEqual(canonical, expected);
});

test("a compose file that does not exist is CONFIG_NOT_FOUND, naming it", async () => {
  await assert.rejects(loadComposeServices(join(fixtureDir, "missing.yml"), { displayPath: "missing.yml" }), (error) => {
    assert.ok(isSlipwayError(error, "CONFIG_NOT_FOUND"));
    assert.equal(error.message, "the compose file missing.yml does not exist");
    return true;
  });
});
