import { test } from "node:test";
import assert from "node:assert/strict";
import { SlipwayError } from "../../../src/errors/index.js";
import { familiarName, familiarString, formatReference, normalizeReference } from "../../../src/reference/index.js";

function rejects(text: string, what?: RegExp): void {
  assert.throws(
    () => normalizeReference(text),
    (error: unknown) => error instanceof SlipwayError && error.code === "REFERENCE_INVALID" && (what === undefined || what.test(error.message)),
    `expected ${JSON.stringify(text)} to be rejected`,
  );
}

test("a familiar name becomes fully qualified, with latest when it has neither tag nor digest", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["busybox", "docker.io/library/busybox:latest"],
    ["busybox:1.36", "docker.io/library/busybox:1.36"],
    ["redis", "docker.io/library/redis:latest"],
    ["docker.io/library/redis:latest", "docker.io/library/redis:latest"],
    ["dmcgowan/myapp", "docker.io/dmcgowan/myapp:latest"],
    ["docker.io/mcgowan/myapp:latest", "docker.io/mcgowan/myapp:latest"],
    ["docker.io/foo", "docker.io/library/foo:latest"],
    ["index.docker.io/foo", "docker.io/library/foo:latest"],
    ["index.docker.io/fooo/bar", "docker.io/fooo/bar:latest"],
    ["library/ubuntu", "docker.io/library/ubuntu:latest"],
    ["127.0.0.1:8000/privatebase", "127.0.0.1:8000/privatebase:latest"],
    ["example.com:8000/private/moonbase", "example.com:8000/private/moonbase:latest"],
    ["localhost/app", "localhost/app:latest"],
    ["dbcc1", "docker.io/library/dbcc1:latest"],
    [`redis@sha256:${"d".repeat(64)}`, `docker.io/library/redis@sha256:${"d".repeat(64)}`],
  ];
  for (const [input, full] of cases) assert.equal(formatReference(normalizeReference(input)), full, input);
});

test("a reference with both tag and digest keeps both (distribution's TestParseReferenceWithTagAndDigest)", () => {
  const short = "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
  const ref = normalizeReference(short);
  assert.equal(formatReference(ref), `docker.io/library/${short}`);
  assert.equal(familiarString(ref), short);
});

// distribution's TestNormalizedSplitHostname.
test("normalizing splits domain and path as Docker does", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ["test.com/foo", "test.com", "foo"],
    ["test_com/foo", "docker.io", "test_com/foo"],
    ["docker/migrator", "docker.io", "docker/migrator"],
    ["test.com:8080/foo", "test.com:8080", "foo"],
    ["test-com:8080/foo", "test-com:8080", "foo"],
    ["foo", "docker.io", "library/foo"],
    ["xn--n3h.com/foo", "xn--n3h.com", "foo"],
    ["xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"],
    ["docker.io/foo", "docker.io", "library/foo"],
    ["docker.io/library/foo", "docker.io", "library/foo"],
    ["docker.io/library/foo/bar", "docker.io", "library/foo/bar"],
  ];
  for (const [input, domain, path] of cases) {
    const ref = normalizeReference(input);
    assert.equal(ref.domain, domain, input);
    assert.equal(ref.path, path, input);
  }
});

// distribution's TestParseRepositoryInfo: every spelling gives the same full and familiar name.
test("familiar names drop docker.io and library/ as Docker shows them", () => {
  const cases: ReadonlyArray<readonly [familiar: string, full: string, ambiguous?: string]> = [
    ["fooo/bar", "docker.io/fooo/bar", "index.docker.io/fooo/bar"],
    ["ubuntu", "docker.io/library/ubuntu", "library/ubuntu"],
    ["nonlibrary/ubuntu", "docker.io/nonlibrary/ubuntu"],
    ["other/library", "docker.io/other/library"],
    ["127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase"],
    ["127.0.0.1:8000/privatebase", "127.0.0.1:8000/privatebase"],
    ["example.com/private/moonbase", "example.com/private/moonbase"],
    ["example.com:8000/privatebasee", "example.com:8000/privatebasee"],
    ["ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base", "index.docker.io/library/ubuntu-12.04-base"],
    ["foo", "docker.io/library/foo", "docker.io/foo"],
    ["library/foo/bar", "docker.io/library/foo/bar"],
    ["store/foo/bar", "docker.io/store/foo/bar"],
  ];
  for (const [familiar, full, ambiguous] of cases) {
    for (const spelling of [familiar, full, ...(ambiguous ? [ambiguous] : [])]) {
      const ref = normalizeReference(spelling);
      assert.equal(familiarName(ref), familiar, spelling);
      assert.equal(`${ref.domain}/${ref.path}`, full, spelling);
    }
  }
  assert.equal(familiarName({ path: "busybox", tag: "1.36" }), "busybox", "works on a reference that is not normalized");
  assert.equal(familiarString({ domain: "docker.io", path: "library/busybox", tag: "1.36" }), "busybox:1.36");
});

// distribution's TestValidateReferenceName and TestValidateRemoteName.
test("accepts the names Docker accepts", () => {
  const names = [
    "docker/docker",
    "library/debian",
    "debian",
    "docker.io/docker/docker",
    "docker.io/library/debian",
    "docker.io/debian",
    "index.docker.io/docker/docker",
    "index.docker.io/library/debian",
    "index.docker.io/debian",
    "127.0.0.1:5000/docker/docker",
    "127.0.0.1:5000/library/debian",
    "127.0.0.1:5000/debian",
    "192.168.0.1",
    "192.168.0.1:80",
    "192.168.0.1:8/debian",
    "192.168.0.2:25000/debian",
    "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
    "[fc00::1]:5000/docker",
    "[fc00::1]:5000/docker/docker",
    "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
    `docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a`,
    "docker-rules/docker",
    "docker---rules/docker",
    "doc/docker",
    "d/docker",
    "jess/t",
    "dock__er/docker",
  ];
  for (const name of names) assert.doesNotThrow(() => normalizeReference(name), name);
});

test("rejects the names Docker rejects", () => {
  const names = [
    "https://github.com/docker/docker",
    "docker/Docker",
    "-docker",
    "-docker/docker",
    "-docker.io/docker/docker",
    "docker///docker",
    "docker.io/docker/Docker",
    "docker.io/docker///docker",
    "[fc00::1]",
    "[fc00::1]:5000",
    "fc00::1:5000/debian",
    "[fe80::1%eth0]:5000/debian",
    "[2001:db8:3:4::192.0.2.33]:5000/debian",
    "docker-/docker",
    "-docker-/docker",
    "____/____",
    "_docker/_docker",
    "dock..er/docker",
    "dock_.er/docker",
    "dock-.er/docker",
    "docker/",
    `${"this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_".repeat(4)}/docker`,
  ];
  for (const name of names) rejects(name);
  rejects("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", /image ID, not a repository name/);
});

test("departs from Docker on purpose: an uppercase first component is a mistake, not a registry", () => {
  // Docker reads "Docker/docker" as registry "Docker"; Slipway says what is wrong instead.
  for (const name of ["Docker/docker", "DOCKER/docker", "Foo/bar"]) rejects(name, /uppercase letters in the repository name/);
});

test("a name that only grows too long once library/ is added is rejected when normalized", () => {
  const name = "a".repeat(250);
  rejects(name, /too long once qualified \(258 characters, at most 255\)/);
});
