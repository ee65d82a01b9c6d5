import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Secret } from "../../../src/util/secret.js";
import { verifyDockerhub, verifyRegistry, verifyWebhook, type WebhookResult } from "../../../src/webhooks/index.js";
import { DIGEST, dockerhubPush, registryPull, registryPush } from "./payloads.js";

const TOKEN = "registry-token-9c1e";
const bearer = { token: new Secret(TOKEN), header: "Authorization" };

function accepted(result: WebhookResult) {
  assert.ok(result.ok, result.ok ? "" : `refused: ${result.status} ${result.reason}`);
  return result;
}

function refusedWith(result: WebhookResult): number {
  assert.ok(!result.ok);
  return result.status;
}

const registryRequest = (body: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => ({
  headers: { "content-type": "application/vnd.docker.distribution.events.v1+json", ...headers },
  body: Buffer.from(body),
});

describe("distribution registry notifications", () => {
  it("gives one image hint per pushed manifest, as host/repository with tag and digest", () => {
    const result = accepted(verifyRegistry(registryRequest(registryPush()), bearer));
    assert.deepEqual(result.hints, [{ kind: "image", repository: "registry.example.com:5000/my-org/foo", tag: "qa", digest: DIGEST }]);
    assert.match(result.deliveryId, /^events:[0-9a-f]{64}$/);
  });

  it("keeps one delivery id for a re-sent envelope and another for a new one", () => {
    const first = accepted(verifyRegistry(registryRequest(registryPush()), bearer));
    const again = accepted(verifyRegistry(registryRequest(registryPush()), bearer));
    const other = accepted(verifyRegistry(registryRequest(registryPush({ ids: ["e-2", "e-3"] })), bearer));
    assert.equal(first.deliveryId, again.deliveryId);
    assert.notEqual(first.deliveryId, other.deliveryId);
  });

  it("gives no hint for pulls and layer pushes", () => {
    assert.deepEqual(accepted(verifyRegistry(registryRequest(registryPull()), bearer)).hints, []);
    const layersOnly = JSON.parse(registryPush()) as { events: unknown[] };
    layersOnly.events = layersOnly.events.slice(0, 1);
    assert.deepEqual(accepted(verifyRegistry(registryRequest(JSON.stringify(layersOnly)), bearer)).hints, []);
  });

  it("refuses a wrong, missing or unprefixed bearer token with 401", () => {
    assert.equal(refusedWith(verifyRegistry(registryRequest(registryPush(), { authorization: "Bearer registry-token-9c1f" }), bearer)), 401);
    assert.equal(refusedWith(verifyRegistry(registryRequest(registryPush(), { authorization: TOKEN }), bearer)), 401);
    assert.equal(refusedWith(verifyRegistry(registryRequest(registryPush(), {}), bearer)), 401);
    accepted(verifyRegistry(registryRequest(registryPush(), { authorization: `bearer ${TOKEN}` }), bearer));
  });

  it("reads the token from a configured header holding the token itself", () => {
    const custom = { token: new Secret(TOKEN), header: "X-Registry-Token" };
    accepted(verifyRegistry(registryRequest(registryPush(), { "x-registry-token": TOKEN }), custom));
    assert.equal(refusedWith(verifyRegistry(registryRequest(registryPush(), { authorization: `Bearer ${TOKEN}` }), custom)), 401);
  });

  it("refuses a body that is no envelope with 400", () => {
    assert.equal(refusedWith(verifyRegistry(registryRequest('{"event": []}'), bearer)), 400);
    assert.equal(refusedWith(verifyRegistry(registryRequest("events"), bearer)), 400);
  });
});

describe("Docker Hub webhooks", () => {
  const PATH_SECRET = "9f2c4e6a8b0d1f3e5a7c9e1b";
  const config = { path_secret: new Secret(PATH_SECRET) };
  const request = (body: string, pathSecret?: string) => ({
    headers: { "content-type": "application/json" },
    body: Buffer.from(body),
    ...(pathSecret === undefined ? {} : { pathSecret }),
  });

  it("gives an image hint for repo_name and push_data.tag, with a delivery id from the body", () => {
    const result = accepted(verifyDockerhub(request(dockerhubPush(), PATH_SECRET), config));
    assert.deepEqual(result.hints, [{ kind: "image", repository: "svendowideit/testhook", tag: "latest" }]);
    assert.equal(result.deliveryId, accepted(verifyDockerhub(request(dockerhubPush(), PATH_SECRET), config)).deliveryId);
    assert.notEqual(result.deliveryId, accepted(verifyDockerhub(request(dockerhubPush({ tag: "1.2" }), PATH_SECRET), config)).deliveryId);
  });

  it("refuses a wrong or missing path secret with 401", () => {
    assert.equal(refusedWith(verifyDockerhub(request(dockerhubPush(), `${PATH_SECRET}x`), config)), 401);
    assert.equal(refusedWith(verifyDockerhub(request(dockerhubPush(), PATH_SECRET.toUpperCase()), config)), 401);
    assert.equal(refusedWith(verifyDockerhub(request(dockerhubPush()), config)), 401);
  });

  it("refuses a payload without repository.repo_name with 400", () => {
    assert.equal(refusedWith(verifyDockerhub(request(JSON.stringify({ push_data: { tag: "x" } }), PATH_SECRET), config)), 400);
  });
});

describe("providers that are not configured", () => {
  it("answer 404, naming the config key", () => {
    const result = verifyWebhook("github", registryRequest(registryPush()), { registry: bearer });
    assert.ok(!result.ok);
    assert.equal(result.status, 404);
    assert.match(result.reason, /controller\.webhooks\.github/);
  });
});
