import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseTag } from "../../../src/autoupdate/index.js";
import { serviceSchema } from "../../../src/config/service-schema.js";

const semver = (range: string, prereleases = false) => ({ kind: "semver", range, prereleases }) as const;

test("semver: the highest version in the range; other majors, junk tags and pre-releases are passed over", () => {
  const tags = ["latest", "1.2.0", "1.10.1", "1.3.0", "2.0.0", "1.11.0-rc.1", "v1.9.0", "qa", "1.2"];
  assert.equal(chooseTag(tags, semver("^1.2")), "1.10.1");
  assert.equal(chooseTag(tags, semver("~1.3.0")), "1.3.0");
  assert.equal(chooseTag(tags, semver("1.9.x")), "v1.9.0", "a leading v is read as a version");
  assert.equal(chooseTag(tags, semver(">=2")), "2.0.0");
  assert.equal(chooseTag(tags, semver("^3")), undefined);
});

test("semver with prereleases: a release candidate above the newest release is taken", () => {
  assert.equal(chooseTag(["1.10.1", "1.11.0-rc.1", "1.11.0-rc.2", "2.0.0-beta"], semver("^1.2", true)), "1.11.0-rc.2");
  assert.equal(chooseTag(["1.10.1", "1.11.0-rc.1", "1.11.0"], semver("^1.2", true)), "1.11.0", "the release beats its candidates");
});

test("match: ordered by the first capture group, as numbers when all are digits, else as text", () => {
  const track = { kind: "match", pattern: "^build-(\\d+)$" } as const;
  assert.equal(chooseTag(["build-9", "build-10", "build-2", "build-x", "latest"], track), "build-10");
  const stamps = { kind: "match", pattern: "^nightly-(\\d{8}T\\d{4})$" } as const;
  assert.equal(chooseTag(["nightly-20261201T0300", "nightly-20261203T0300", "nightly-20261202T0300"], stamps), "nightly-20261203T0300");
  assert.equal(chooseTag(["latest"], track), undefined);
});

test("update.track in a service: a range or a pattern, checked where it is written", () => {
  const parse = (update: Record<string, unknown>) => serviceSchema.safeParse({ image: "myorg/foo:1.2.0", update });
  const track = (update: Record<string, unknown>) => {
    const result = parse(update);
    assert.ok(result.success, JSON.stringify(result.error?.issues ?? []));
    return result.data.update.track;
  };
  const problems = (update: Record<string, unknown>) => {
    const result = parse(update);
    assert.ok(!result.success);
    return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  };
  assert.deepEqual(track({ auto: true, track: "^1.2" }), semver("^1.2"));
  assert.deepEqual(track({ auto: "monitor", track: { semver: "~1.2.3", prereleases: true } }), semver("~1.2.3", true));
  assert.deepEqual(track({ auto: true, track: { match: "^build-(\\d+)$" } }), { kind: "match", pattern: "^build-(\\d+)$" });
  assert.deepEqual(problems({ auto: true, track: "one point two" }), ['update.track: "one point two" is not a semver range (e.g. ^1.2, ~1.2.3, 1.x)']);
  assert.match(problems({ auto: true, track: { match: "^build-\\d+$" } }).join(), /has no capture group: its first group says how the tags sort/);
  assert.match(problems({ auto: true, track: { match: "(" } }).join(), /is not a regular expression/);
  assert.deepEqual(problems({ track: "^1.2" }), ["update.track: track chooses the tag auto-update follows: set auto: true (or monitor) with it"]);
});
