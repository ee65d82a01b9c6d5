import assert from "node:assert/strict";
import { test } from "node:test";
import { covers, describeWindows, windowState, type MaintenanceWindow } from "../../../src/policy/index.js";

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const nightly: MaintenanceWindow = { kind: "allow", schedule: "0 2 * * *", durationMs: 2 * HOUR };
const christmas: MaintenanceWindow = { kind: "deny", schedule: "0 0 24 12 *", durationMs: 72 * HOUR };

test("no windows: always open", () => {
  assert.deepEqual(windowState([], at("2026-12-03T12:00:00Z")), { open: true });
  assert.deepEqual(windowState([[]], at("2026-12-03T12:00:00Z")), { open: true });
});

test("an allow window is open from its start for its duration, and not at its end", () => {
  assert.equal(covers(nightly, at("2026-12-03T01:59:59Z")), false);
  assert.equal(covers(nightly, at("2026-12-03T02:00:00Z")), true);
  assert.equal(covers(nightly, at("2026-12-03T03:59:59Z")), true);
  assert.equal(covers(nightly, at("2026-12-03T04:00:00Z")), false);
});

test("outside the allow windows: closed, opening at the next start", () => {
  const state = windowState([[nightly]], at("2026-12-03T12:00:00Z"));
  assert.deepEqual(state, { open: false, blockedBy: { kind: "outside" }, opensAt: at("2026-12-04T02:00:00Z") });
  assert.equal(describeWindows(state, at("2026-12-03T12:00:00Z")), "outside its allow windows; runs at 2026-12-04T02:00:00.000Z (14h from now)");
});

test("a time zone moves the window: 02:00 in Berlin is 01:00 UTC in winter", () => {
  const berlin: MaintenanceWindow = { ...nightly, timezone: "Europe/Berlin" };
  assert.equal(covers(berlin, at("2026-12-03T01:30:00Z")), true);
  assert.equal(covers(berlin, at("2026-12-03T03:30:00Z")), false);
  // summer time: 02:00 in Berlin is 00:00 UTC
  assert.equal(covers(berlin, at("2026-07-03T00:30:00Z")), true);
});

test("deny beats allow: inside both, closed until the deny window ends, then only inside an allow window", () => {
  const allDay: MaintenanceWindow = { kind: "allow", schedule: "0 0 * * *", durationMs: 24 * HOUR };
  const state = windowState([[allDay, christmas]], at("2026-12-25T10:00:00Z"));
  assert.equal(state.open, false);
  assert.ok(!state.open && state.blockedBy.kind === "deny");
  assert.deepEqual(!state.open && state.opensAt, at("2026-12-27T00:00:00Z"));
  // after the deny window ends, the nightly allow window is the next chance
  const night = windowState([[nightly, christmas]], at("2026-12-25T10:00:00Z"));
  assert.deepEqual(!night.open && night.opensAt, at("2026-12-27T02:00:00Z"));
});

test("overlapping openings of one deny window count as one: it ends at the end of the last", () => {
  const firstMinutes: MaintenanceWindow = { kind: "deny", schedule: "0-2 * * * *", durationMs: 2 * 60_000 };
  const state = windowState([[firstMinutes]], at("2026-12-03T12:00:30Z"));
  assert.deepEqual(state, { open: false, blockedBy: { kind: "deny", window: firstMinutes }, opensAt: at("2026-12-03T12:04:00Z") });
});

test("every level must allow: the environment's windows and a service's update.windows", () => {
  const weekdays: MaintenanceWindow = { kind: "allow", schedule: "0 0 * * 1-5", durationMs: 24 * HOUR };
  // Thursday 2026-12-03 12:00 is inside weekdays but outside nightly
  const state = windowState([[weekdays], [nightly]], at("2026-12-03T12:00:00Z"));
  assert.deepEqual(!state.open && state.opensAt, at("2026-12-04T02:00:00Z"));
  // Saturday 2026-12-05 02:30: nightly is open, weekdays is not; the next time both hold is Monday 02:00
  const weekend = windowState([[weekdays], [nightly]], at("2026-12-05T02:30:00Z"));
  assert.deepEqual(!weekend.open && weekend.opensAt, at("2026-12-07T02:00:00Z"));
});

test("a deny window that always covers never opens", () => {
  const always: MaintenanceWindow = { kind: "deny", schedule: "* * * * *", durationMs: 5 * 60_000 };
  const state = windowState([[always]], at("2026-12-03T12:00:30Z"));
  assert.deepEqual(state, { open: false, blockedBy: { kind: "deny", window: always }, opensAt: undefined });
  assert.match(describeWindows(state, at("2026-12-03T12:00:30Z")), /they never open again/);
});
