import { test } from "node:test";
import assert from "node:assert/strict";
import { serverAddress, splitImageRef } from "../../../src/engine/image-ref.js";
import { isSlipwayError } from "../../../src/errors/index.js";

const digest = `sha256:${"a".repeat(64)}`;

test("references split into repository, tag, digest and the registry the engine will contact", () => {
  assert.deepEqual(splitImageRef("busybox"), { repository: "busybox", tag: undefined, digest: undefined, registry: "docker.io" });
  assert.deepEqual(splitImageRef("my-org/app:1.0"), { repository: "my-org/app", tag: "1.0", digest: undefined, registry: "docker.io" });
  assert.deepEqual(splitImageRef("127.0.0.1:5000/team/app:20180923T082316Z"), {
    repository: "127.0.0.1:5000/team/app",
    tag: "20180923T082316Z",
    digest: undefined,
    registry: "127.0.0.1:5000",
  });
  assert.deepEqual(splitImageRef("localhost:5000/app"), { repository: "localhost:5000/app", tag: undefined, digest: undefined, registry: "localhost:5000" });
  assert.deepEqual(splitImageRef(`registry.example.com/app:1@${digest}`), {
    repository: "registry.example.com/app",
    tag: "1",
    digest,
    registry: "registry.example.com",
  });
  assert.deepEqual(splitImageRef(`localhost/app@${digest}`), { repository: "localhost/app", tag: undefined, digest, registry: "localhost" });
});

test("X-Registry-Auth names Docker Hub by its index address and other registries by host", () => {
  assert.equal(serverAddress("docker.io"), "https://index.docker.io/v1/");
  assert.equal(serverAddress("127.0.0.1:5000"), "127.0.0.1:5000");
});

test("obviously broken references are REFERENCE_INVALID", () => {
  for (const bad of ["", "has space:1", "-flag", "/abs", "app:", "app/"]) {
    assert.throws(
      () => splitImageRef(bad),
      (error: unknown) => isSlipwayError(error, "REFERENCE_INVALID"),
      bad,
    );
  }
});
