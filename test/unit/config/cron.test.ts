import { test } from "node:test";
import assert from "node:assert/strict";
import { Cron } from "croner";
import { checkCron, cronOptions } from "../../../src/config/cron.js";

test("schedules croner runs are accepted: 5 and 6 fields, names, steps, lists, L/W/#, shorthands", () => {
  for (const schedule of [
    "0 * * * *",
    "*/5 * * * * *",
    "0 3 * * mon-fri",
    "0 0 1,15 jan,jul *",
    "0 0 L * *",
    "0 9 15W * *",
    "0 9 * * 5#2",
    "0 0 * * 7",
    "@hourly",
    "@daily",
    "@Weekly",
    "  0  3 * * *  ",
  ]) {
    assert.equal(checkCron(schedule), undefined, schedule);
  }
});

test("a value out of range names its field and the allowed range", () => {
  assert.equal(checkCron("0 25 * * *"), 'hour field "25" must be within 0-23');
  assert.equal(checkCron("60 * * * * *"), 'second field "60" must be within 0-59');
  assert.equal(checkCron("0 0 32 * *"), 'day of month field "32" must be within 1-31');
  assert.equal(checkCron("0 0 * 13 *"), 'month field "13" must be within 1-12 or jan-dec');
  assert.equal(checkCron("0 0 * * 8"), 'day of week field "8" must be within 0-7 or sun-sat');
  assert.equal(checkCron("1,2,99 * * * *"), 'minute field "1,2,99" must be within 0-59');
});

test("the wrong field is named even when an earlier field uses croner's extensions", () => {
  assert.equal(checkCron("0 0 L 13 *"), 'month field "13" must be within 1-12 or jan-dec');
});

test("bad ranges, steps and characters say what is wrong in which field", () => {
  assert.equal(checkCron("5-2 * * * *"), 'range in minute field "5-2" runs backwards');
  assert.equal(checkCron("*/0 * * * *"), 'bad step in minute field "*/0" (use */N or A-B/N, N at least 1)');
  assert.equal(checkCron("/5 * * * *"), 'bad step in minute field "/5" (use */N or A-B/N, N at least 1)');
  assert.equal(checkCron("x * * * *"), 'minute field "x" is not a value, range, step or list');
  assert.equal(checkCron("0 9 * * 1#6"), 'day of week field "1#6": the N of #N must be 1-5 or L');
});

test("the wrong number of fields, an unknown shorthand and a schedule that never runs are refused", () => {
  assert.match(checkCron("1 2 3") ?? "", /^expected 5 fields .* or 6 .*, got 3$/);
  assert.match(checkCron("* * * * * * *") ?? "", /got 7$/);
  assert.match(checkCron("@reboot") ?? "", /^unknown shorthand @reboot \(use @yearly/);
  assert.equal(checkCron("0 0 30 2 *"), '"0 0 30 2 *" never runs (no date matches it)');
});

test("what checkCron accepts, croner schedules with the same options", () => {
  const next = new Cron("*/5 * * * * *", { ...cronOptions, paused: true }).nextRun(new Date("2026-01-01T00:00:01Z"));
  assert.equal(next?.toISOString(), "2026-01-01T00:00:05.000Z");
});
