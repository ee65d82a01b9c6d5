import { test } from "node:test";
import assert from "node:assert/strict";
import type { EngineEndpoint } from "../../../src/reference/docker-host.js";
import { classifyRegistryMessage, describeEngineFailure, engineError, registryError, unreachableError } from "../../../src/engine/errors.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { Secret } from "../../../src/util/secret.js";

const socket: EngineEndpoint = { kind: "unix", socketPath: "/var/run/docker.sock", display: "unix:///var/run/docker.sock" };

function dockerodeError(statusCode: number, message: string, json: unknown = null): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json });
}

test("registry messages the engine passes on are classified (recorded from Engine 20.10 and registry 2.8)", () => {
  const cases: Array<[string, string]> = [
    ["no basic auth credentials", "auth"],
    ["unauthorized: authentication required", "auth"],
    ['Head "http://127.0.0.1:5932/v2/uniq/manifests/v1": no basic auth credentials', "auth"],
    ["denied: requested access to the resource is denied", "auth"],
    ["manifest for 127.0.0.1:5931/rec:nope not found: manifest unknown: manifest unknown", "not-found"],
    ["An image does not exist locally with the tag: 127.0.0.1:5931/absent", "not-found"],
    ['Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', "unreachable"],
    ['Get "https://reg.example:5000/v2/": http: server gave HTTP response to HTTPS client', "unreachable"],
    ["toomanyrequests: You have reached your pull rate limit", "rate-limited"],
    ["received unexpected HTTP status: 500 Internal Server Error", "other"],
  ];
  for (const [message, kind] of cases) assert.equal(classifyRegistryMessage(message), kind, message);
});

test("registry failures become the matching SlipwayError naming the registry and the image", () => {
  const auth = registryError({ action: "push", ref: "127.0.0.1:5932/app:1", registry: "127.0.0.1:5932", message: "unauthorized: authentication required" });
  assert.ok(isSlipwayError(auth, "REGISTRY_AUTH"));
  assert.equal(auth.message, "127.0.0.1:5932 refused to let Slipway push 127.0.0.1:5932/app:1: unauthorized: authentication required");
  const missing = registryError({ action: "pull", ref: "r:5000/app:9", registry: "r:5000", message: "manifest unknown" });
  assert.ok(isSlipwayError(missing, "IMAGE_NOT_FOUND"));
  assert.match(missing.message, /^r:5000\/app:9 was not found in r:5000/);
  const down = registryError({ action: "push", ref: "127.0.0.1:1/a:1", registry: "127.0.0.1:1", message: "dial tcp 127.0.0.1:1: connect: connection refused" });
  assert.ok(isSlipwayError(down, "REGISTRY_UNREACHABLE"));
  assert.ok(isSlipwayError(registryError({ action: "pull", ref: "a", registry: "docker.io", message: "boom" }), "REGISTRY_FAILED"));
});

test("a secret echoed back in a registry message is redacted", () => {
  const password = new Secret("hunter2-password");
  const error = registryError({ action: "pull", ref: "a", registry: "r", message: `unauthorized: bad password ${password.reveal()}` });
  assert.ok(!error.message.includes("hunter2-password"));
});

test("dockerode's errors are read for the engine's own words and status", () => {
  assert.deepEqual(describeEngineFailure(dockerodeError(404, "No such container: abc", { message: "No such container: abc" })), {
    statusCode: 404,
    errno: undefined,
    message: "No such container: abc",
  });
  assert.equal(describeEngineFailure(dockerodeError(500, 'Get "http://x/v2/": refused')).message, 'Get "http://x/v2/": refused');
  const refused = Object.assign(new Error("connect ECONNREFUSED /var/run/docker.sock"), { code: "ECONNREFUSED" });
  assert.deepEqual(describeEngineFailure(refused), { statusCode: undefined, errno: "ECONNREFUSED", message: "connect ECONNREFUSED /var/run/docker.sock" });
});

test("a lost socket mid-request is ENGINE_UNREACHABLE; an engine refusal is ENGINE_FAILED with the action", () => {
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
  assert.ok(isSlipwayError(engineError(reset, socket, "listing images"), "ENGINE_UNREACHABLE"));
  const conflict = engineError(dockerodeError(409, 'Conflict. The container name "/web" is already in use'), socket, "creating container web");
  assert.ok(isSlipwayError(conflict, "ENGINE_FAILED"));
  assert.equal(conflict.message, 'creating container web failed: Conflict. The container name "/web" is already in use');
});

test("permission denied on the socket says to join the docker group", () => {
  const error = unreachableError(socket, { statusCode: undefined, errno: "EACCES", message: "connect EACCES /var/run/docker.sock" });
  assert.equal(error.message, "permission denied on the Docker engine socket unix:///var/run/docker.sock");
  assert.match(error.hint ?? "", /docker group/);
});
