import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Engine } from "../../../src/engine/index.js";
import { isSlipwayError, type SlipwayError } from "../../../src/errors/index.js";
import { createRegistryClient, MEDIA_TYPES, type FetchFunction } from "../../../src/registry/index.js";
import { ensureEngine } from "../../harness/engine.js";
import { cleanupTestRun } from "../../harness/labels.js";
import { freePort, startRegistry, type TestRegistry } from "../../harness/registry.js";
import { IMAGE_LABEL, pushImage, type PushedImage } from "./pushed-image.js";

const TAGS = ["20240101T000000Z", "20240102T000000Z", "20240103T000000Z"];

let engine: Engine;
let registry: TestRegistry;
let image: PushedImage;

before(async () => {
  engine = await ensureEngine();
  registry = await startRegistry();
  image = await pushImage(engine, registry.host, TAGS);
});
after(async () => {
  await cleanupTestRun(engine);
  await registry?.stop();
});

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error = await promise.then(
    () => assert.fail("should fail"),
    (e: unknown) => e,
  );
  assert.ok(isSlipwayError(error), String(error));
  return error;
}

test("ping answers; the tags come back in full, with or without a page size", async () => {
  const client = createRegistryClient({ host: registry.host });
  assert.equal(client.baseUrl, `http://${registry.host}`);
  await client.ping();
  // distribution 2.8 ignores `n` on /tags/list (it pages from 3.0 on); the catalog below proves the paging.
  assert.deepEqual([...(await client.listTags(image.repository, { pageSize: 2 }))].sort(), TAGS);
  assert.deepEqual([...(await client.listTags(image.repository))].sort(), TAGS);
});

test("the catalog comes back across pages of two, following the registry's Link header", async () => {
  const others = await Promise.all([pushImage(engine, registry.host, ["v1"]), pushImage(engine, registry.host, ["v1"])]);
  const expected = [image.repository, ...others.map((other) => other.repository)].sort();
  const client = createRegistryClient({ host: registry.host });
  const repositories = await client.listRepositories({ pageSize: 2 });
  assert.deepEqual([...repositories].sort(), expected);
  assert.equal(new Set(repositories).size, repositories.length, "no repository twice");
  assert.ok((client.stats().byMethod.GET ?? 0) >= 2, "more than one page was read");
  assert.deepEqual([...(await client.listRepositories())].sort(), expected);
});

test("the digest by HEAD is the digest the engine's push reported; a tag that is not there is undefined", async () => {
  const client = createRegistryClient({ host: registry.host });
  const tag = TAGS[1] ?? "";
  const digest = await client.manifestDigest(image.repository, tag);
  assert.equal(digest, image.digests[tag]);
  assert.deepEqual(client.stats().byMethod, { HEAD: 1 }, "one HEAD, no manifest download");
  assert.equal(await client.manifestDigest(image.repository, digest ?? ""), digest, "by digest, too");
  assert.equal(await client.manifestDigest(image.repository, "no-such-tag"), undefined);
  assert.equal(await client.manifestDigest("slipway-test/never-pushed", "latest"), undefined);
});

test("the manifest and the image config, with the labels the image was built with", async () => {
  const client = createRegistryClient({ host: registry.host });
  const tag = TAGS[0] ?? "";
  const manifest = await client.getManifest(image.repository, tag);
  assert.equal(manifest.digest, image.digests[tag]);
  assert.equal(manifest.kind, "image");
  assert.ok(manifest.mediaType === MEDIA_TYPES.dockerManifest || manifest.mediaType === MEDIA_TYPES.ociManifest, manifest.mediaType);
  assert.match(manifest.body.config?.digest ?? "", /^sha256:[0-9a-f]{64}$/);

  const config = await client.getImageConfig(image.repository, tag);
  assert.equal(config.config.Labels[IMAGE_LABEL], image.labelValue);
  assert.equal(config.os, "linux");
});

test("a missing manifest or repository is REGISTRY_NOT_FOUND; a bad name is REFERENCE_INVALID before any request", async () => {
  const client = createRegistryClient({ host: registry.host });
  const missing = await failure(client.getManifest(image.repository, "no-such-tag"));
  assert.equal(missing.code, "REGISTRY_NOT_FOUND");
  assert.match(missing.message, new RegExp(`^${registry.host} has no manifest ${image.repository}:no-such-tag`));
  const repo = await failure(client.listTags("slipway-test/never-pushed"));
  assert.equal(repo.code, "REGISTRY_NOT_FOUND");
  assert.match(repo.message, /has no repository slipway-test\/never-pushed/);

  const before = client.stats().requests;
  for (const attempt of [
    client.listTags("../etc"),
    client.manifestDigest("App/Upper", "v1"),
    client.manifestDigest(image.repository, "v1?x=1"),
    client.getManifest(image.repository, "sha256:abc"),
    client.deleteManifest(image.repository, "latest"),
  ]) {
    assert.equal((await failure(attempt)).code, "REFERENCE_INVALID");
  }
  assert.equal(client.stats().requests, before, "no request was sent for an invalid name");
});

test("deleting a manifest by digest removes its tags", async () => {
  const doomed = await pushImage(engine, registry.host, ["doomed"]);
  const client = createRegistryClient({ host: registry.host });
  const digest = doomed.digests.doomed ?? "";
  await client.deleteManifest(doomed.repository, digest);
  assert.equal(await client.manifestDigest(doomed.repository, "doomed"), undefined);
  assert.equal((await failure(client.deleteManifest(doomed.repository, digest))).code, "REGISTRY_NOT_FOUND");
});

test("tagging a manifest points a new tag at it, same digest, and moves the tag on the next call", async () => {
  const client = createRegistryClient({ host: registry.host });
  const [older, newer] = [image.digests[TAGS[0] ?? ""] ?? "", image.digests[TAGS[2] ?? ""] ?? ""];
  await client.tagManifest(image.repository, older, "prod");
  assert.equal(await client.manifestDigest(image.repository, "prod"), older);
  await client.tagManifest(image.repository, newer, "prod");
  assert.equal(await client.manifestDigest(image.repository, "prod"), newer, "the tag moved");
  assert.equal((await client.getImageConfig(image.repository, "prod")).config.Labels[IMAGE_LABEL], image.labelValue);
  assert.ok((await client.listTags(image.repository)).includes("prod"));
  const missing = `sha256:${"0".repeat(64)}`;
  assert.equal((await failure(client.tagManifest(image.repository, missing, "prod"))).code, "REGISTRY_NOT_FOUND");
  assert.equal(await client.manifestDigest(image.repository, "prod"), newer, "a failed tag leaves the old one");
  assert.equal((await failure(client.tagManifest(image.repository, newer, "not a tag"))).code, "REFERENCE_INVALID");
});

test("a port where nothing listens is REGISTRY_UNREACHABLE with the URL and what to do", async () => {
  const port = await freePort();
  const client = createRegistryClient({ host: `127.0.0.1:${port}`, retryDelayMs: 10 });
  const error = await failure(client.listTags("my-org/app"));
  assert.equal(error.code, "REGISTRY_UNREACHABLE");
  assert.equal(error.message, `the registry 127.0.0.1:${port} does not answer at http://127.0.0.1:${port}/v2/my-org/app/tags/list (connection refused)`);
  assert.match(error.hint ?? "", /is the registry running\?.*scripts\/up\.sh/);
  assert.equal(client.stats().requests, 3, "the first attempt and two retries");
});

test("a 503 or a short 429 in front of the registry is retried; a long Retry-After is REGISTRY_RATE_LIMITED at once", async () => {
  const flaky =
    (responses: Response[]): FetchFunction =>
    async (input, init) =>
      responses.shift() ?? fetch(input, init);
  const tag = TAGS[0] ?? "";

  const after503 = createRegistryClient({ host: registry.host, retryDelayMs: 10, fetch: flaky([new Response("down", { status: 503 })]) });
  assert.equal(await after503.manifestDigest(image.repository, tag), image.digests[tag]);
  assert.equal(after503.stats().retries, 1);

  const limited = new Response("", { status: 429, headers: { "retry-after": "1", "ratelimit-limit": "100;w=21600", "ratelimit-remaining": "0;w=21600" } });
  const after429 = createRegistryClient({ host: registry.host, fetch: flaky([limited]) });
  const started = Date.now();
  assert.equal(await after429.manifestDigest(image.repository, tag), image.digests[tag]);
  assert.ok(Date.now() - started >= 900, "waited out Retry-After: 1");
  assert.deepEqual(after429.lastRateLimit, { limit: 100, remaining: 0, windowSeconds: 21600 });

  const tooLong = createRegistryClient({ host: registry.host, fetch: flaky([new Response("", { status: 429, headers: { "retry-after": "3600" } })]) });
  const error = await failure(tooLong.manifestDigest(image.repository, tag));
  assert.equal(error.code, "REGISTRY_RATE_LIMITED");
  assert.match(error.message, /retry in 3600 s$/);
  assert.equal(tooLong.stats().requests, 1);

  const broken = createRegistryClient({ host: registry.host, retryDelayMs: 10, fetch: flaky([503, 502, 500].map((status) => new Response("", { status }))) });
  const failed = await failure(broken.manifestDigest(image.repository, tag));
  assert.equal(failed.code, "REGISTRY_FAILED");
  assert.match(failed.message, /answered HTTP 500/);
});
