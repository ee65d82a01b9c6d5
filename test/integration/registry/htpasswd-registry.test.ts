import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { inspect } from "node:util";
import type { Engine } from "../../../src/engine/index.js";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";
import { createRegistryClient } from "../../../src/registry/index.js";
import { Secret } from "../../../src/util/secret.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";
import { IMAGE_LABEL, pushImage, type PushedImage } from "./pushed-image.js";

const USER = "slipway-ci";
const PASSWORD = `pw-${randomBytes(8).toString("hex")}`;
const WRONG = `wrong-${randomBytes(8).toString("hex")}`;

let engine: Engine;
let registry: TestRegistry;
let image: PushedImage;
let dir: string;

before(async () => {
  engine = await ensureEngine();
  registry = await startRegistry({ auth: { username: USER, password: PASSWORD } });
  image = await pushImage(engine, registry.host, ["v1", "v2"], { username: USER, password: new Secret(PASSWORD) });
  dir = mkdtempSync(join(tmpdir(), "slipway-docker-config-"));
});
after(async () => {
  await cleanupTestRun(engine);
  await registry?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error = await promise.then(
    () => assert.fail("should fail"),
    (e: unknown) => e,
  );
  assert.ok(isSlipwayError(error), String(error));
  return error;
}

function assertNoSecret(error: SlipwayError, secret: string): void {
  const shown = [error.message, error.hint ?? "", ...error.details, JSON.stringify(error), inspect(error, { depth: 5 })].join("\n");
  assert.ok(!shown.includes(secret), "the password appears nowhere in the error");
}

test("with the right credentials from Slipway's config: ping, tags, digest and labels; Basic goes up front once learnt", async () => {
  const client = createRegistryClient({ host: registry.host, credentials: { username: USER, password: new Secret(PASSWORD) } });
  await client.ping();
  assert.deepEqual([...(await client.listTags(image.repository))].sort(), ["v1", "v2"]);
  assert.equal(await client.manifestDigest(image.repository, "v2"), image.digests.v2);
  assert.equal((await client.getImageConfig(image.repository, "v1")).config.Labels[IMAGE_LABEL], image.labelValue);
  const before = client.stats().requests;
  await client.manifestDigest(image.repository, "v1");
  assert.equal(client.stats().requests, before + 1, "a warm client sends each request once");
});

test("wrong credentials are REGISTRY_AUTH naming the registry, the user and where they came from, never the password", async () => {
  const client = createRegistryClient({ host: registry.host, credentials: { username: USER, password: new Secret(WRONG) } });
  const error = await failure(client.listTags(image.repository));
  assert.equal(error.code, "REGISTRY_AUTH");
  assert.match(
    error.message,
    new RegExp(`^${registry.host} refused the credentials of "${USER}" from Slipway's config \\(trying to list the tags of ${image.repository}\\)`),
  );
  assert.match(error.hint ?? "", /registry\.username and registry\.password in slipway\.yml/);
  assertNoSecret(error, WRONG);
});

test("no credentials at all is REGISTRY_AUTH saying how to log in", async () => {
  const client = createRegistryClient({ host: registry.host, env: { DOCKER_CONFIG: join(dir, "empty") } });
  const error = await failure(client.manifestDigest(image.repository, "v1"));
  assert.equal(error.code, "REGISTRY_AUTH");
  assert.equal(error.message, `${registry.host} needs credentials to look up ${image.repository}:v1, and none are configured for it`);
  assert.match(error.hint ?? "", new RegExp(`docker login ${registry.host}`));
});

test("credentials from a DOCKER_CONFIG config.json `auths` entry; wrong ones there name the file", async () => {
  const good = join(dir, "good");
  writeJson(join(good, "config.json"), { auths: { [`http://${registry.host}/v2/`]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString("base64") } } });
  const client = createRegistryClient({ host: registry.host, env: { DOCKER_CONFIG: good } });
  assert.equal(await client.manifestDigest(image.repository, "v1"), image.digests.v1);

  const bad = join(dir, "bad");
  writeJson(join(bad, "config.json"), { auths: { [registry.host]: { username: USER, password: WRONG } } });
  const error = await failure(createRegistryClient({ host: registry.host, dockerConfigPath: join(bad, "config.json") }).ping());
  assert.equal(error.code, "REGISTRY_AUTH");
  assert.match(error.message, new RegExp(`refused the credentials of "${USER}" from ${join(bad, "config.json").replace(/[.]/g, "\\.")}`));
  assert.match(error.hint ?? "", new RegExp(`^run \`docker login ${registry.host}\``));
  assertNoSecret(error, WRONG);
});

test("a credential helper named in credHelpers is asked with the server URL on stdin; 'not found' falls back to auths", async () => {
  const bin = join(dir, "bin");
  const calls = join(dir, "helper-calls.txt");
  writeHelper(bin, calls, { [registry.host]: { Username: USER, Secret: PASSWORD } });
  const env = { PATH: `${bin}:${process.env.PATH ?? ""}`, DOCKER_CONFIG: join(dir, "helper") };

  writeJson(join(dir, "helper", "config.json"), { credHelpers: { [registry.host]: "slipwaytest" } });
  const client = createRegistryClient({ host: registry.host, env });
  assert.equal(await client.manifestDigest(image.repository, "v2"), image.digests.v2);
  assert.deepEqual(readFileSync(calls, "utf8").trim().split("\n"), [`get ${registry.host}`]);

  writeHelper(bin, calls, {});
  writeJson(join(dir, "helper", "config.json"), {
    credsStore: "slipwaytest",
    auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString("base64") } },
  });
  assert.equal(await createRegistryClient({ host: registry.host, env }).manifestDigest(image.repository, "v2"), image.digests.v2);

  writeJson(join(dir, "helper", "config.json"), { credHelpers: { [registry.host]: "absent" } });
  const missing = await failure(createRegistryClient({ host: registry.host, env }).ping());
  assert.equal(missing.code, "REGISTRY_AUTH");
  assert.match(missing.message, /the credential helper docker-credential-absent named in .*config\.json is not installed/);
});

function writeJson(path: string, value: object): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
}

/** A real credential helper (Docker's protocol: `get`, server URL on stdin, JSON on stdout) serving `logins`. */
function writeHelper(bin: string, calls: string, logins: Record<string, { Username: string; Secret: string }>): void {
  writeJson(join(bin, "logins.json"), logins);
  const script = [
    `#!${process.execPath}`,
    'const fs = require("node:fs");',
    'const server = fs.readFileSync(0, "utf8").trim();',
    `fs.appendFileSync(${JSON.stringify(calls)}, process.argv[2] + " " + server + "\\n");`,
    `const logins = JSON.parse(fs.readFileSync(${JSON.stringify(join(bin, "logins.json"))}, "utf8"));`,
    "const login = logins[server];",
    'if (!login) { process.stdout.write("credentials not found in native keychain\\n"); process.exit(1); }',
    "process.stdout.write(JSON.stringify({ ServerURL: server, ...login }));",
    "",
  ].join("\n");
  const file = join(bin, "docker-credential-slipwaytest");
  writeFileSync(file, script);
  chmodSync(file, 0o755);
}
