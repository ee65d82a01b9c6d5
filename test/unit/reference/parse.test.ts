import { test } from "node:test";
import assert from "node:assert/strict";
import { SlipwayError } from "../../../src/errors/index.js";
import { formatReference, isReference, parseReference, validateRepositoryName } from "../../../src/reference/index.js";
import type { ImageReference } from "../../../src/reference/index.js";

const F64 = "f".repeat(64);
const SHA256 = `sha256:${F64}`;
const SHA512 = `sha512:${"f".repeat(128)}`;

/** Rejects with REFERENCE_INVALID and a message naming the text and what is wrong. */
function assertInvalid(action: () => unknown, text: string, what: RegExp): SlipwayError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof SlipwayError, `expected a SlipwayError for ${JSON.stringify(text)}, got ${String(caught)}`);
  assert.equal(caught.code, "REFERENCE_INVALID");
  assert.ok(caught.message.startsWith(JSON.stringify(text.slice(0, 200))), `message names the text: ${caught.message}`);
  assert.match(caught.message, what);
  assert.ok(caught.hint && caught.hint.length > 0, "a hint says what would be valid");
  return caught;
}

// Valid cases of distribution's TestReferenceParse. Where distribution's Parse reads any
// first component as a domain ("foo/foo_bar.com:8080" -> domain "foo"), Slipway follows
// Docker's rule (`.`, `:` or localhost) as the brief asks; those rows say so.
const valid: ReadonlyArray<readonly [string, ImageReference]> = [
  ["test_com", { path: "test_com" }],
  ["test.com:tag", { path: "test.com", tag: "tag" }],
  ["test.com:5000", { path: "test.com", tag: "5000" }],
  ["test.com/repo:tag", { domain: "test.com", path: "repo", tag: "tag" }],
  ["test:5000/repo", { domain: "test:5000", path: "repo" }],
  ["test:5000/repo:tag", { domain: "test:5000", path: "repo", tag: "tag" }],
  [`test:5000/repo@${SHA256}`, { domain: "test:5000", path: "repo", digest: SHA256 }],
  [`test:5000/repo:tag@${SHA256}`, { domain: "test:5000", path: "repo", tag: "tag", digest: SHA256 }],
  ["lowercase:Uppercase", { path: "lowercase", tag: "Uppercase" }],
  // Docker rule: "a" is no domain, so the path is the full 255 characters, the most allowed.
  [`${"a/".repeat(127)}a:tag-puts-this-over-max`, { path: `${"a/".repeat(127)}a`, tag: "tag-puts-this-over-max" }],
  ["sub-dom1.foo.com/bar/baz/quux", { domain: "sub-dom1.foo.com", path: "bar/baz/quux" }],
  ["sub-dom1.foo.com/bar/baz/quux:some-long-tag", { domain: "sub-dom1.foo.com", path: "bar/baz/quux", tag: "some-long-tag" }],
  ["b.gcr.io/test.example.com/my-app:test.example.com", { domain: "b.gcr.io", path: "test.example.com/my-app", tag: "test.example.com" }],
  ["xn--n3h.com/myimage:xn--n3h.com", { domain: "xn--n3h.com", path: "myimage", tag: "xn--n3h.com" }],
  [`xn--7o8h.com/myimage:xn--7o8h.com@${SHA512}`, { domain: "xn--7o8h.com", path: "myimage", tag: "xn--7o8h.com", digest: SHA512 }],
  ["foo_bar.com:8080", { path: "foo_bar.com", tag: "8080" }],
  // Docker rule: "foo" has no `.` or `:`, so it is a Docker Hub namespace, not a domain.
  ["foo/foo_bar.com:8080", { path: "foo/foo_bar.com", tag: "8080" }],
  ["192.168.1.1", { path: "192.168.1.1" }],
  ["192.168.1.1:tag", { path: "192.168.1.1", tag: "tag" }],
  ["192.168.1.1:5000", { path: "192.168.1.1", tag: "5000" }],
  ["192.168.1.1/repo", { domain: "192.168.1.1", path: "repo" }],
  ["192.168.1.1:5000/repo", { domain: "192.168.1.1:5000", path: "repo" }],
  ["192.168.1.1:5000/repo:5050", { domain: "192.168.1.1:5000", path: "repo", tag: "5050" }],
  ["[2001:db8::1]/repo", { domain: "[2001:db8::1]", path: "repo" }],
  ["[2001:db8:1:2:3:4:5:6]/repo:tag", { domain: "[2001:db8:1:2:3:4:5:6]", path: "repo", tag: "tag" }],
  ["[2001:db8::1]:5000/repo", { domain: "[2001:db8::1]:5000", path: "repo" }],
  ["[2001:db8::1]:5000/repo:tag", { domain: "[2001:db8::1]:5000", path: "repo", tag: "tag" }],
  [`[2001:db8::1]:5000/repo@${SHA256}`, { domain: "[2001:db8::1]:5000", path: "repo", digest: SHA256 }],
  [`[2001:db8::1]:5000/repo:tag@${SHA256}`, { domain: "[2001:db8::1]:5000", path: "repo", tag: "tag", digest: SHA256 }],
  ["[2001:db8::]:5000/repo", { domain: "[2001:db8::]:5000", path: "repo" }],
  ["[::1]:5000/repo", { domain: "[::1]:5000", path: "repo" }],
  ["localhost/app", { domain: "localhost", path: "app" }],
  ["localhost:5000/my-org/app1-prod:20180923T082316Z", { domain: "localhost:5000", path: "my-org/app1-prod", tag: "20180923T082316Z" }],
  ["dock__er/do-c--k.er_x", { path: "dock__er/do-c--k.er_x" }],
];

for (const [input, expected] of valid) {
  test(`parses ${input.length > 60 ? `${input.slice(0, 60)}…` : input}`, () => {
    assert.deepEqual(parseReference(input), expected);
    assert.equal(formatReference(parseReference(input)), input, "formats back to the same text");
    assert.equal(isReference(input), true);
  });
}

// Invalid cases of distribution's TestReferenceParse, with the part each message must name.
const invalid: ReadonlyArray<readonly [string, RegExp]> = [
  ["", /empty/],
  [":justtag", /repository name is missing/],
  [`@${SHA256}`, /repository name is missing/],
  [`repo@sha256:${"f".repeat(34)}`, /sha256 digest has 64 hex digits, this one has 34/],
  [`validname@invaliddigest:${F64}`, /digest algorithm "invaliddigest" is not supported/],
  ["Uppercase:tag", /uppercase letters in the repository name/],
  // distribution's FIXME: Parse wrongly accepts this, reading "Uppercase" as a domain.
  ["Uppercase/lowercase:tag", /uppercase letters in the repository name/],
  ["test:5000/Uppercase/lowercase:tag", /uppercase letters in the repository name/],
  [`${"a/".repeat(128)}a:tag`, /repository name is too long \(257 characters, at most 255\)/],
  ["aa/asdf$$^/aa", /path component "asdf\$\$\^" is not valid/],
  ["[2001:db8::1]", /registry host but no repository/],
  ["[2001:db8::1]:5000", /registry host but no repository/],
  ["[2001:db8::1]:tag", /registry host but no repository/],
  ["[fe80::1%eth0]:5000/repo", /registry host "\[fe80::1%eth0\]:5000"/],
  ["[fe80::1%@invalidzone]:5000/repo", /./],
];

for (const [input, what] of invalid) {
  test(`rejects ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)}`, () => {
    assertInvalid(() => parseReference(input), input, what);
    assert.equal(isReference(input), false);
  });
}

test("rejects what could become an option, a path traversal or a broken command line", () => {
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ["-foo", /starts with `-`/],
    ["--help", /starts with `-`/],
    ["-docker.io/docker/docker", /starts with `-`/],
    ["../etc/passwd", /`\.` or `\.\.` path component/],
    ["foo/../bar", /`\.` or `\.\.` path component/],
    ["registry.example.com/../bar", /`\.` or `\.\.` path component/],
    ["./foo", /`\.` or `\.\.` path component/],
    ["foo/..", /`\.` or `\.\.` path component/],
    ["/foo", /empty path component/],
    ["foo/", /empty path component/],
    ["docker///docker", /empty path component/],
    ["foo bar", /whitespace/],
    ["foo:\u00a0x", /whitespace/],
    ["foo\nbar", /control characters/],
    ["foo\u0000", /control characters/],
    ["foo\tbar", /control characters/],
    ["foo:-x", /tag "-x" starts with "-"/],
    ["foo:.x", /tag "\.x" starts with "\."/],
    ["foo@-x", /not a digest/],
    ["https://github.com/docker/docker", /registry host "https:"/],
  ];
  for (const [input, what] of cases) assertInvalid(() => parseReference(input), input, what);
});

test("says which part is wrong: tag too long, not a digest, wrong digest length or case", () => {
  assertInvalid(() => parseReference(`app:${"t".repeat(129)}`), `app:${"t".repeat(129)}`, /tag too long \(129 characters, at most 128\)/);
  assert.deepEqual(parseReference(`app:${"t".repeat(128)}`), { path: "app", tag: "t".repeat(128) });
  assertInvalid(() => parseReference("app@latest"), "app@latest", /"latest" is not a digest/);
  assertInvalid(() => parseReference(`app@sha256:${"F".repeat(64)}`), `app@sha256:${"F".repeat(64)}`, /hex digits must be lowercase/);
  assertInvalid(() => parseReference(`app@sha512:${F64}`), `app@sha512:${F64}`, /sha512 digest has 128 hex digits, this one has 64/);
  assertInvalid(() => parseReference(`app@sha256:${F64}@x`), `app@sha256:${F64}@x`, /is not a digest/);
  assertInvalid(() => parseReference("app:"), "app:", /tag after `:` is empty/);
  assertInvalid(() => parseReference("app@"), "app@", /digest after `@` is empty/);
  const error = assertInvalid(() => parseReference("My-Org/App"), "My-Org/App", /uppercase letters in the repository name/);
  assert.match(error.hint ?? "", /lowercase.*my-org\/app1-prod/);
});

test("a registry host is a host name, IPv4 or [IPv6] with an optional numeric port", () => {
  assertInvalid(() => parseReference("fc00::1:5000/debian"), "fc00::1:5000/debian", /registry host/);
  assertInvalid(() => parseReference("[2001:db8:3:4::192.0.2.33]:5000/debian"), "[2001:db8:3:4::192.0.2.33]:5000/debian", /registry host/);
  assertInvalid(() => parseReference("example.com:port/app"), "example.com:port/app", /registry host/);
  assertInvalid(() => parseReference("-example.com/app"), "-example.com/app", /starts with `-`/);
  assertInvalid(() => parseReference("ex-.com/app"), "ex-.com/app", /registry host "ex-\.com"/);
  assert.deepEqual(parseReference("EXAMPLE.com/app"), { domain: "EXAMPLE.com", path: "app" }, "host names may have capitals");
});

test("a message quotes long or odd text safely", () => {
  const long = `${"a".repeat(300)}!`;
  const error = assertInvalid(() => parseReference(long), long, /is not valid/);
  assert.match(error.message, /… \(301 characters\)/);
  assert.ok(error.message.length < 600);
  assertInvalid(() => parseReference('a"b\u001b[31m'), 'a"b\u001b[31m', /control characters/);
  const escaped = assertInvalid(() => parseReference("a\u001b[31m"), "a\u001b[31m", /./);
  assert.ok(!escaped.message.includes("\u001b"), "a control character never reaches a terminal raw");
});

// distribution's TestDomainAndPath (WithName), through the name validator and the parser.
test("splits domain and path of a repository name", () => {
  const cases: ReadonlyArray<readonly [string, string | undefined, string]> = [
    ["test.com/foo", "test.com", "foo"],
    ["test_com/foo", undefined, "test_com/foo"],
    ["test:8080/foo", "test:8080", "foo"],
    ["test.com:8080/foo", "test.com:8080", "foo"],
    ["test-com:8080/foo", "test-com:8080", "foo"],
    ["xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"],
  ];
  for (const [input, domain, path] of cases) {
    assert.equal(validateRepositoryName(input), input);
    const ref = parseReference(input);
    assert.equal(ref.domain, domain, input);
    assert.equal(ref.path, path, input);
  }
});
