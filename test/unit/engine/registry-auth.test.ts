import { test } from "node:test";
import assert from "node:assert/strict";
import { registryAuthHeader } from "../../../src/engine/registry-auth.js";
import { Secret } from "../../../src/util/secret.js";

test("without credentials the header is an empty JSON object", () => {
  assert.equal(registryAuthHeader("127.0.0.1:5000", undefined), "e30=");
});

test("credentials are URL-safe base64 JSON with padding kept, naming the registry", () => {
  for (const password of ["pw-abc", "pw-abcd", "pw-abcde", "p?>~/+=&"]) {
    const header = registryAuthHeader("127.0.0.1:5000", { username: "ci", password: new Secret(password) });
    assert.match(header, /^[A-Za-z0-9_-]*={0,2}$/, header);
    assert.equal(header.length % 4, 0, `padded: ${header}`);
    assert.deepEqual(JSON.parse(Buffer.from(header, "base64url").toString()), { username: "ci", password, serveraddress: "127.0.0.1:5000" });
  }
  const hub = registryAuthHeader("docker.io", { username: "me", password: new Secret("pw-hub-1") });
  assert.equal(JSON.parse(Buffer.from(hub, "base64url").toString()).serveraddress, "https://index.docker.io/v1/");
});
