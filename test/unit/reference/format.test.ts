import { test } from "node:test";
import assert from "node:assert/strict";
import { SlipwayError } from "../../../src/errors/index.js";
import { formatReference, repositoryOf, validateDigest, validateRepositoryName, validateTag, withDigest, withTag } from "../../../src/reference/index.js";

const DIGEST = `sha256:${"1234567890".repeat(6)}1234`;

function isInvalid(what: RegExp) {
  return (error: unknown) => error instanceof SlipwayError && error.code === "REFERENCE_INVALID" && what.test(error.message);
}

// distribution's TestWithTag and TestWithDigest.
test("withTag and withDigest combine a name with a tag and a digest, keeping the other", () => {
  assert.equal(formatReference(withTag({ domain: "test.com", path: "foo" }, "tag")), "test.com/foo:tag");
  assert.equal(formatReference(withTag({ path: "foo" }, "tag2")), "foo:tag2");
  assert.equal(formatReference(withTag({ domain: "test.com:8000", path: "foo" }, "TAG5")), "test.com:8000/foo:TAG5");
  const digested = withDigest({ domain: "test.com:8000", path: "foo" }, DIGEST);
  assert.equal(formatReference(digested), `test.com:8000/foo@${DIGEST}`);
  assert.equal(formatReference(withTag(digested, "TAG5")), `test.com:8000/foo:TAG5@${DIGEST}`);
  assert.equal(formatReference(withDigest({ domain: "test.com:8000", path: "foo", tag: "latest" }, DIGEST)), `test.com:8000/foo:latest@${DIGEST}`);
  assert.equal(formatReference(withTag({ path: "foo", tag: "old" }, "new")), "foo:new", "a new tag replaces the old one");
});

test("withTag and withDigest refuse what is not a tag or a full digest", () => {
  assert.throws(() => withTag({ path: "busybox" }, "-foo"), isInvalid(/^"-foo" is not a valid tag: the tag "-foo" starts with "-"/));
  assert.throws(() => withDigest({ path: "busybox" }, "foo"), isInvalid(/not a valid digest: "foo" is not a digest/));
  // distribution's WithDigest takes a 37-digit sha256 (it checks the pattern only); Slipway checks the length too.
  assert.throws(() => withDigest({ path: "foo" }, "sha256:1234567890098765432112345667890098765"), isInvalid(/64 hex digits, this one has 37/));
});

test("formatReference refuses parts that would not read back the same", () => {
  assert.throws(() => formatReference({ path: "registry.example.com/app" }), isInvalid(/would be read as a registry host/));
  assert.throws(() => formatReference({ path: "App" }), isInvalid(/uppercase letters/));
  assert.throws(() => formatReference({ domain: "bad host", path: "app" }), isInvalid(/registry host/));
  assert.throws(() => formatReference({ domain: "registry", path: "app" }), isInvalid(/would be read as a Docker Hub namespace/));
  assert.equal(formatReference({ domain: "registry:5000", path: "app" }), "registry:5000/app");
  assert.throws(() => formatReference({ path: "app", tag: "" }), isInvalid(/tag after `:` is empty/));
  assert.throws(() => formatReference({ path: "../app" }), isInvalid(/path component/));
  assert.equal(formatReference({ path: "registry.example.com" }), "registry.example.com", "one component is always a path");
});

test("repositoryOf is domain/path without tag or digest", () => {
  assert.equal(repositoryOf({ domain: "localhost:5000", path: "my-org/app", tag: "x", digest: DIGEST }), "localhost:5000/my-org/app");
  assert.equal(repositoryOf({ path: "busybox", tag: "1.36" }), "busybox");
  assert.throws(() => repositoryOf({ path: "a/../b" }), isInvalid(/`\.\.` path component/));
});

test("validateTag, validateDigest and validateRepositoryName return valid input and name what is wrong", () => {
  assert.equal(validateTag("20180923T082316Z"), "20180923T082316Z");
  assert.equal(validateTag("_x.y-Z"), "_x.y-Z");
  assert.throws(() => validateTag(""), isInvalid(/^"" is not a valid tag: it is empty/));
  assert.throws(() => validateTag("a".repeat(129)), isInvalid(/tag too long/));
  assert.throws(() => validateTag("a/b"), isInvalid(/characters other than/));
  assert.throws(() => validateTag("a b"), isInvalid(/whitespace/));
  assert.equal(validateDigest(DIGEST), DIGEST);
  assert.throws(() => validateDigest("sha256:abc"), isInvalid(/not a digest/));
  assert.equal(validateRepositoryName("localhost:5000/my-org/app"), "localhost:5000/my-org/app");
  assert.throws(() => validateRepositoryName("my-org/app:tag"), isInvalid(/has a tag or digest/));
  assert.throws(() => validateRepositoryName(`app@${DIGEST}`), isInvalid(/has a tag or digest/));
  assert.throws(() => validateRepositoryName("My-Org/app"), isInvalid(/^"My-Org\/app" is not a valid repository name: uppercase letters/));
  assert.throws(() => validateRepositoryName("a/../b"), isInvalid(/`\.\.` path component/));
  assert.throws(() => validateRepositoryName("--help"), isInvalid(/starts with `-`/));
});
