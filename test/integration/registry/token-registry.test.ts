import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import type { Engine } from "../../../src/engine/index.js";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";
import { createRegistryClient } from "../../../src/registry/index.js";
import { Secret } from "../../../src/util/secret.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun } from "../../harness/labels.js";
import { startTokenRegistry, type TokenRegistry } from "../../harness/token-registry.js";
import { IMAGE_LABEL, pushImage, type PushedImage } from "./pushed-image.js";

const USER = "slipway-token-user";
const PASSWORD = `pw-${randomBytes(8).toString("hex")}`;
const WRONG = `wrong-${randomBytes(8).toString("hex")}`;
const IDENTITY_TOKEN = `refresh-${randomBytes(12).toString("hex")}`;
const TAGS = ["1.0.0-1-abc1234", "1.0.1-2-def5678", "1.1.0-3-0a1b2c3"];

let engine: Engine;
let registry: TokenRegistry;
let image: PushedImage;
let dir: string;

before(async () => {
  engine = await ensureEngine();
  registry = await startTokenRegistry({ auth: { username: USER, password: PASSWORD }, identityToken: IDENTITY_TOKEN });
  image = await pushImage(engine, registry.host, TAGS, { username: USER, password: new Secret(PASSWORD) });
  dir = mkdtempSync(join(tmpdir(), "slipway-token-config-"));
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

function credentials(password = PASSWORD): { username: string; password: Secret } {
  return { username: USER, password: new Secret(password) };
}

test("the engine pushed through the token service, and the client reads tags, digests and labels with its own tokens", async () => {
  assert.ok(
    registry.tokenRequests().some((request) => request.account === USER && request.scopes.some((scope) => scope.includes(":push"))),
    "the engine's push was authorized by the token service",
  );
  const client = createRegistryClient({ host: registry.host, credentials: credentials() });
  const before = registry.tokenRequests().length;
  await client.ping();
  assert.deepEqual([...(await client.listTags(image.repository, { pageSize: 2 }))].sort(), [...TAGS].sort());
  for (const tag of TAGS) assert.equal(await client.manifestDigest(image.repository, tag), image.digests[tag]);
  assert.equal((await client.getImageConfig(image.repository, TAGS[2] ?? "")).config.Labels[IMAGE_LABEL], image.labelValue);

  const issued = registry.tokenRequests().slice(before);
  assert.deepEqual(
    issued.map((request) => [request.method, request.grant, request.account, request.scopes]),
    [
      ["GET", "basic", USER, []],
      ["GET", "basic", USER, [`repository:${image.repository}:pull`]],
    ],
    "one token for /v2/ and one for the repository, reused by every later request",
  );
  assert.equal(client.stats().tokenRequests, 2);
});

test("a warm client sends each request once, with the cached token", async () => {
  const client = createRegistryClient({ host: registry.host, credentials: credentials() });
  await client.manifestDigest(image.repository, TAGS[0] ?? "");
  const before = client.stats();
  await client.manifestDigest(image.repository, TAGS[1] ?? "");
  await client.getManifest(image.repository, TAGS[1] ?? "");
  const now = client.stats();
  assert.equal(now.requests - before.requests, 2);
  assert.equal(now.tokenRequests, before.tokenRequests);
});

test("wrong credentials are REGISTRY_AUTH from the token service, never showing the password", async () => {
  const client = createRegistryClient({ host: registry.host, credentials: credentials(WRONG) });
  const error = await failure(client.listTags(image.repository));
  assert.equal(error.code, "REGISTRY_AUTH");
  assert.match(
    error.message,
    new RegExp(
      `^${registry.host} refused the credentials of "${USER}" from Slipway's config \\(trying to list the tags of ${image.repository}\\): UNAUTHORIZED`,
    ),
  );
  const shown = [error.message, error.hint ?? "", JSON.stringify(error), inspect(error, { depth: 5 })].join("\n");
  assert.ok(!shown.includes(WRONG));
  assert.equal(registry.tokenRequests().at(-1)?.status, 401);
});

test("anonymous access gets a token without rights, which is REGISTRY_AUTH saying how to log in", async () => {
  const client = createRegistryClient({ host: registry.host, env: { DOCKER_CONFIG: join(dir, "none") } });
  const error = await failure(client.manifestDigest(image.repository, TAGS[0] ?? ""));
  assert.equal(error.code, "REGISTRY_AUTH");
  assert.match(error.message, new RegExp(`^${registry.host} needs credentials to look up ${image.repository}:`));
  assert.equal(registry.tokenRequests().at(-1)?.grant, "anonymous");
});

test("an identity token from config.json is exchanged with an OAuth2 refresh_token POST", async () => {
  const configDir = join(dir, "identity");
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    join(configDir, "config.json"),
    JSON.stringify({
      auths: { [registry.host]: { auth: Buffer.from("<token>:").toString("base64"), identitytoken: IDENTITY_TOKEN } },
    }),
  );
  const client = createRegistryClient({ host: registry.host, env: { DOCKER_CONFIG: configDir } });
  assert.equal(await client.manifestDigest(image.repository, TAGS[1] ?? ""), image.digests[TAGS[1] ?? ""]);
  const last = registry.tokenRequests().at(-1);
  assert.deepEqual([last?.method, last?.grant, last?.account, last?.scopes], ["POST", "refresh_token", USER, [`repository:${image.repository}:pull`]]);
});

test("deleting by digest asks for the delete scope", async () => {
  const doomed = await pushImage(engine, registry.host, ["doomed"], credentials());
  const client = createRegistryClient({ host: registry.host, credentials: credentials() });
  await client.deleteManifest(doomed.repository, doomed.digests.doomed ?? "");
  assert.ok(registry.tokenRequests().some((request) => request.scopes.includes(`repository:${doomed.repository}:delete`)));
  assert.equal(await client.manifestDigest(doomed.repository, "doomed"), undefined);
});

test("concurrent requests on a cold client share one token per scope", async () => {
  const client = createRegistryClient({ host: registry.host, credentials: credentials() });
  await client.ping();
  const before = client.stats().tokenRequests;
  const digests = await Promise.all(TAGS.map((tag) => client.manifestDigest(image.repository, tag)));
  assert.deepEqual(
    digests,
    TAGS.map((tag) => image.digests[tag]),
  );
  assert.equal(client.stats().tokenRequests - before, 1);
});

test("tagging a manifest asks the token service for pull and push on the repository", async () => {
  const client = createRegistryClient({ host: registry.host, credentials: credentials() });
  const digest = image.digests[TAGS[0] ?? ""] ?? "";
  const before = registry.tokenRequests().length;
  await client.tagManifest(image.repository, digest, "test1");
  assert.equal(await client.manifestDigest(image.repository, "test1"), digest);
  const scopes = registry
    .tokenRequests()
    .slice(before)
    .flatMap((request) => request.scopes);
  assert.ok(scopes.includes(`repository:${image.repository}:pull,push`), scopes.join(" "));
});
