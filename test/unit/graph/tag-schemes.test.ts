import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compareTags, latestTag, matchesScheme, parseTimestampTag, timestampTag, versionCountShaTag } from "../../../src/graph/tag-schemes.js";

test("a timestamp tag is the UTC second, sortable as text, and parses back", () => {
  const at = new Date("2018-09-23T08:23:16.789Z");
  assert.equal(timestampTag(at), "20180923T082316Z");
  assert.equal(parseTimestampTag("20180923T082316Z")?.toISOString(), "2018-09-23T08:23:16.000Z");
  assert.equal(parseTimestampTag("20181323T082316Z"), undefined, "month 13 is not a timestamp");
  assert.equal(parseTimestampTag("latest"), undefined);
});

test("timestamp tags order as the moments they name", () => {
  fc.assert(
    fc.property(
      fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }),
      fc.date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true }),
      (a, b) => {
        const sa = Math.floor(a.getTime() / 1000);
        const sb = Math.floor(b.getTime() / 1000);
        const order = Math.sign(compareTags("timestamp", timestampTag(a), timestampTag(b)));
        assert.equal(order, Math.sign(sa - sb));
      },
    ),
  );
});

test("latest is the greatest tag of the scheme, whatever order the registry lists them in", () => {
  const tags = ["latest", "20180923T082316Z", "20190101T000000Z", "fp-abc", "20181231T235959Z"];
  assert.equal(latestTag("timestamp", tags), "20190101T000000Z");
  assert.equal(latestTag("timestamp", ["latest"]), undefined);
});

test("version-count-sha orders by version numerically, then by commit count", () => {
  assert.equal(versionCountShaTag({ version: "v1.0.1", count: 22, sha: "7e56158deadbeef" }), "1.0.1-22-7e56158");
  const tags = ["1.0.1-22-7e56158", "1.0.10-0-aaaaaaa", "1.0.9-3-bbbbbbb", "1.0.1-3-ccccccc", "20190101T000000Z"];
  assert.equal(latestTag("version-count-sha", tags), "1.0.10-0-aaaaaaa");
  assert.ok(compareTags("version-count-sha", "1.0.1-3-ccccccc", "1.0.1-22-7e56158") < 0);
  assert.equal(matchesScheme("version-count-sha", "1.0-2-abcdefg"), false);
});

test("the sha scheme has no order: latest is the tag of the source's current commit", () => {
  const tags = ["7e56158", "a1b2c3d", "latest"];
  assert.equal(latestTag("sha", tags, "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"), "a1b2c3d");
  assert.equal(latestTag("sha", tags), undefined);
});
