import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findConfig, loadConfig, loadOptionalConfig } from "../../../src/config/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";

const exampleDir = fileURLToPath(new URL("../../../../examples/data-team/", import.meta.url));

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-config-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("the data-team example loads: its sources, its image hierarchy, contexts parsed", async () => {
  const loaded = await loadConfig({ cwd: exampleDir, env: {} });
  const { config } = loaded;
  assert.equal(loaded.dir, exampleDir.replace(/\/$/, ""));
  assert.equal(config.registry?.address, "localhost:5000/data-team");
  assert.deepEqual(Object.keys(config.sources), ["my-docker", "infra", "app1"]);
  assert.deepEqual(Object.keys(config.images), ["base", "infra-dev", "infra-prod", "app1-dev", "app1-prod"]);
  assert.deepEqual(config.images["app1-prod"]?.context, { kind: "source", source: "my-docker", path: "app1-prod" });
  assert.equal(config.images["app1-prod"]?.from, "app1-dev");
  assert.deepEqual(config.images["infra-prod"]?.seal, { infra: "infra" });
  assert.equal(config.sources["app1"]?.branch, "develop");
  assert.deepEqual(config.sources["app1"]?.paths, ["app1/", "scripts/"]);
  assert.equal(config.images["base"]?.dockerfile, "Dockerfile");
  assert.equal(config.images["base"]?.tag, "timestamp");
});

test("the environment overrides the example's registry default", async () => {
  const { config } = await loadConfig({ cwd: exampleDir, env: { SLIPWAY_REGISTRY: "registry.example.com:443" } });
  assert.equal(config.registry?.host, "registry.example.com:443");
  assert.equal(config.registry?.namespace, "data-team");
});

test("a missing config is CONFIG_NOT_FOUND naming the path, with slipway init as the hint", async (t) => {
  const dir = tempDir(t);
  await assert.rejects(loadConfig({ cwd: dir }), (error) => {
    assert.ok(isSlipwayError(error, "CONFIG_NOT_FOUND"));
    assert.equal(error.message, "slipway.yml does not exist");
    assert.match(error.hint ?? "", /slipway init/);
    return true;
  });
  await assert.rejects(loadConfig({ cwd: dir, path: "deploy/app.yml" }), /deploy\/app\.yml does not exist/);
});

test("only a config that does not exist means no project; one that cannot be read, or its missing env file, is an error", async (t) => {
  const dir = tempDir(t);
  assert.equal(await loadOptionalConfig({ cwd: dir, env: {} }), undefined);
  mkdirSync(join(dir, "slipway.yml"));
  await assert.rejects(loadOptionalConfig({ cwd: dir, env: {} }), (error) => {
    assert.ok(isSlipwayError(error, "CONFIG_NOT_FOUND"));
    assert.equal(error.message, "slipway.yml is a directory");
    assert.doesNotMatch(error.hint ?? "", /slipway init/, "init would not help: a directory is in the way");
    return true;
  });
  const other = tempDir(t);
  writeFileSync(join(other, "slipway.yml"), "services: {}\n");
  await assert.rejects(loadOptionalConfig({ cwd: other, envFile: "missing.env", env: {} }), /missing\.env does not exist/);
  assert.deepEqual((await loadOptionalConfig({ cwd: other, env: {} }))?.config.services, {});
});

test("slipway.yaml is found too, and relative local contexts resolve against the config's directory", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "slipway.yaml"), "registry: localhost:5000\nimages:\n  app: { context: ./docker/app }\n");
  assert.equal(findConfig(dir), join(dir, "slipway.yaml"));
  const loaded = await loadConfig({ cwd: dir, path: "slipway.yml", env: {} });
  assert.equal(loaded.path, join(dir, "slipway.yaml"));
  assert.deepEqual(loaded.config.images["app"]?.context, { kind: "local", dir: join(dir, "docker/app") });
});

test("variables come from .env beside the config, --env-file replaces it, and the environment wins over both", async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, "app"));
  writeFileSync(join(dir, "app", "slipway.yml"), "registry: ${REGISTRY}/org\n");
  writeFileSync(join(dir, "app", ".env"), "REGISTRY=dotenv.example.com\n");
  writeFileSync(join(dir, "other.env"), "REGISTRY=other.example.com\n");
  const fromDotenv = await loadConfig({ cwd: dir, path: "app/slipway.yml", env: {} });
  assert.equal(fromDotenv.config.registry?.host, "dotenv.example.com");
  const fromFile = await loadConfig({ cwd: dir, path: "app/slipway.yml", envFile: "other.env", env: {} });
  assert.equal(fromFile.config.registry?.host, "other.example.com");
  const fromEnv = await loadConfig({ cwd: dir, path: "app/slipway.yml", env: { REGISTRY: "env.example.com" } });
  assert.equal(fromEnv.config.registry?.host, "env.example.com");
  await assert.rejects(loadConfig({ cwd: dir, path: "app/slipway.yml", envFile: "nope.env", env: {} }), (error) => {
    assert.ok(isSlipwayError(error, "CONFIG_NOT_FOUND"));
    assert.equal(error.message, "nope.env does not exist");
    return true;
  });
});

test("errors name the file as given relative to the working directory", async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, "deploy"));
  writeFileSync(join(dir, "deploy", "slipway.yml"), "registry: localhost:5000\nimages:\n  app: { context: ./x, form: y }\n");
  await assert.rejects(loadConfig({ cwd: dir, path: "deploy/slipway.yml", env: {} }), (error) => {
    assert.ok(isSlipwayError(error, "CONFIG_INVALID"));
    assert.deepEqual(error.details, ['deploy/slipway.yml:3:24: images.app.form: unknown key "form" — did you mean "from"?']);
    return true;
  });
});

test("a registry password is kept as a secret that never prints", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "slipway.yml"), "registry:\n  url: http://localhost:5000/org\n  username: ci\n  password: ${REGISTRY_PASSWORD}\n");
  const { config } = await loadConfig({ cwd: dir, env: { REGISTRY_PASSWORD: "hunter2-very-secret" } });
  assert.equal(config.registry?.password?.reveal(), "hunter2-very-secret");
  assert.equal(config.registry?.insecure, true);
  assert.ok(!JSON.stringify(config).includes("hunter2-very-secret"));
});

test("services of the compose files named under compose: are added, with their variables; a name in both places is refused", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "docker-compose.yml"), "services:\n  db:\n    image: postgres:${PG_VERSION:-16}\n");
  writeFileSync(join(dir, "slipway.yml"), "compose: docker-compose.yml\nservices:\n  web: { image: nginx:1.27 }\n");
  const { config } = await loadConfig({ cwd: dir, env: { PG_VERSION: "17" } });
  assert.deepEqual(Object.keys(config.services).sort(), ["db", "web"]);
  assert.equal(config.services["db"]?.image, "postgres:17");
  writeFileSync(join(dir, "slipway.yml"), "compose: [docker-compose.yml]\nservices:\n  db: { image: postgres:15 }\n");
  await assert.rejects(loadConfig({ cwd: dir, env: {} }), (error) => {
    assert.ok(isSlipwayError(error, "CONFIG_INVALID"));
    assert.deepEqual(error.details, ['slipway.yml:3:3: services.db: the service "db" is also defined in docker-compose.yml: give one of them another name']);
    return true;
  });
  writeFileSync(join(dir, "slipway.yml"), "compose: missing-compose.yml\n");
  await assert.rejects(loadConfig({ cwd: dir, env: {} }), (error) => isSlipwayError(error, "CONFIG_NOT_FOUND") && /missing-compose\.yml/.test(error.message));
});
