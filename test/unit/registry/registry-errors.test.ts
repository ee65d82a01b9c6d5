import { test } from "node:test";
import assert from "node:assert/strict";
import { describeNetworkFailure, refusedCredentialsError, registryMessage } from "../../../src/registry/registry-errors.js";
import { Secret } from "../../../src/util/secret.js";

test("the registry's own words come from its error body, or its text", () => {
  assert.equal(
    registryMessage('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}'),
    "MANIFEST_UNKNOWN: manifest unknown",
  );
  assert.equal(registryMessage('{"errors":[{"code":"DENIED"},{"message":"second"}]}'), "DENIED; second");
  assert.equal(registryMessage("upstream connect error\n"), "upstream connect error");
  assert.equal(registryMessage(""), undefined);
});

test("fetch's 'fetch failed' is read through its cause; a timeout is ETIMEDOUT", () => {
  const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) });
  assert.deepEqual(describeNetworkFailure(refused), { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:9" });
  assert.equal(describeNetworkFailure(new DOMException("timed out", "TimeoutError")).code, "ETIMEDOUT");
});

test("a refusal names the user and the source, and scrubs a password the registry echoed", () => {
  const password = new Secret("s3cret-value-123");
  const error = refusedCredentialsError(
    "r.example",
    { username: "ci", password, source: "/home/ci/.docker/config.json" },
    "list the tags of a",
    `bad password ${password.reveal()}`,
  );
  assert.equal(
    error.message,
    'r.example refused the credentials of "ci" from /home/ci/.docker/config.json (trying to list the tags of a): bad password [redacted]',
  );
  assert.match(error.hint ?? "", /^run `docker login r\.example`/);
});
