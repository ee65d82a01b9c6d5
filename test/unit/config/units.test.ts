import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesSchema, durationSchema, parseBytes, parseDuration } from "../../../src/config/units.js";

test("durations read as people write them, in milliseconds", () => {
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("5m"), 300_000);
  assert.equal(parseDuration("1h"), 3_600_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("1.5h"), 5_400_000);
  assert.equal(parseDuration("2d"), 172_800_000);
  assert.equal(parseDuration("0"), 0);
});

test("a duration without a unit, with a space inside or with an unknown unit is not a duration", () => {
  for (const text of ["30", "5 m", "1w", "m", "", "-5s", "1h 30m", "5mins"]) assert.equal(parseDuration(text), undefined, text);
});

test("sizes read in binary units, case and a trailing b/ib not mattering", () => {
  assert.equal(parseBytes("512m"), 512 * 1024 ** 2);
  assert.equal(parseBytes("1GB"), 1024 ** 3);
  assert.equal(parseBytes("1GiB"), 1024 ** 3);
  assert.equal(parseBytes("100k"), 102_400);
  assert.equal(parseBytes("1024"), 1024);
  assert.equal(parseBytes("1.5k"), 1536);
  assert.equal(parseBytes("10b"), 10);
});

test("text that is not a size is refused", () => {
  for (const text of ["", "m", "12x", "-1m", "1 2m", "1mm"]) assert.equal(parseBytes(text), undefined, text);
});

test("the schemas take a number (seconds, bytes) or text, and refuse anything else with what was expected", () => {
  assert.equal(durationSchema.parse(90), 90_000);
  assert.equal(durationSchema.parse("1h30m"), 5_400_000);
  assert.equal(bytesSchema.parse(4096), 4096);
  assert.equal(bytesSchema.parse("1MB"), 1024 ** 2);
  const duration = durationSchema.safeParse("soon");
  assert.equal(duration.success, false);
  assert.match(JSON.stringify(duration.error?.issues), /expected a duration such as 30s/);
  const size = bytesSchema.safeParse("big");
  assert.match(JSON.stringify(size.error?.issues), /expected a size such as 512m/);
  assert.equal(durationSchema.safeParse(-1).success, false);
});
