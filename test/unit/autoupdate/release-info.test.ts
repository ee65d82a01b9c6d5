import assert from "node:assert/strict";
import { test } from "node:test";
import { releaseInfo } from "../../../src/autoupdate/index.js";
import { updatedNotice } from "../../../src/controller/auto-updates.js";

test("an image's release, from its OCI labels: those present, nothing when none", () => {
  assert.deepEqual(
    releaseInfo({
      "org.opencontainers.image.version": "1.3.0",
      "org.opencontainers.image.source": "https://git.example.com/acme/app",
      "org.opencontainers.image.revision": "",
      "com.example.other": "x",
    }),
    { version: "1.3.0", source: "https://git.example.com/acme/app" },
  );
  assert.equal(releaseInfo({ maintainer: "someone" }), undefined);
});

test("the notice of an update names the tag, the version when it says more, and carries the release", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  const base = { service: "web", environment: "prod", status: "updated", tag: "stable", digest, revision: 4 } as const;
  const notice = updatedNotice({ ...base, release: { version: "1.3.0", source: "https://git.example.com/acme/app" } });
  assert.equal(notice.title, `Updated web in prod to stable (version 1.3.0), ${digest.slice(0, 19)}`);
  assert.deepEqual(notice.detail, {
    revision: 4,
    tag: "stable",
    digest,
    previous: undefined,
    release: { version: "1.3.0", source: "https://git.example.com/acme/app" },
  });
  assert.equal(updatedNotice({ ...base, tag: "1.3.0", release: { version: "1.3.0" } }).title, `Updated web in prod to 1.3.0, ${digest.slice(0, 19)}`);
});
