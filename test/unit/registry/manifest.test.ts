import { test } from "node:test";
import assert from "node:assert/strict";
import { choosePlatform, manifestKind, parseManifestBody, type Descriptor } from "../../../src/registry/manifest.js";
import { MEDIA_TYPES } from "../../../src/registry/media-types.js";

const entry = (architecture: string, variant?: string, os = "linux"): Descriptor => ({
  mediaType: MEDIA_TYPES.ociManifest,
  digest: `sha256:${architecture}${variant ?? ""}`,
  size: 1,
  platform: { os, architecture, variant },
});

test("the first wanted platform the index has; a variant counts only when asked for", () => {
  const index = [entry("amd64", undefined, "unknown"), entry("arm", "v7"), entry("arm64", "v8"), entry("amd64")];
  assert.equal(
    choosePlatform(index, [
      { os: "linux", architecture: "s390x" },
      { os: "linux", architecture: "amd64" },
    ])?.digest,
    "sha256:amd64",
  );
  assert.equal(choosePlatform(index, [{ os: "linux", architecture: "arm64" }])?.digest, "sha256:arm64v8");
  assert.equal(choosePlatform(index, [{ os: "linux", architecture: "arm", variant: "v6" }]), undefined);
});

test("index or image by mediaType, Content-Type, or shape; junk is undefined", () => {
  const list = parseManifestBody(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.dockerManifestList, manifests: [] }));
  assert.deepEqual(list && manifestKind(list, null), { kind: "index", mediaType: MEDIA_TYPES.dockerManifestList });
  const oci = parseManifestBody(JSON.stringify({ schemaVersion: 2, config: { mediaType: "x", digest: "sha256:c", size: 2 }, layers: [] }));
  assert.deepEqual(oci && manifestKind(oci, `${MEDIA_TYPES.ociManifest}; charset=utf-8`), { kind: "image", mediaType: MEDIA_TYPES.ociManifest });
  assert.deepEqual(oci && manifestKind(oci, null), { kind: "image", mediaType: "" });
  assert.equal(parseManifestBody("not json"), undefined);
  assert.equal(parseManifestBody("[1]"), undefined);
});
