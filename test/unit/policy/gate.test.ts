import assert from "node:assert/strict";
import { test } from "node:test";
import { approvers, describeHold, gateDecision, type MaintenanceWindow, type Verdict } from "../../../src/policy/index.js";

const HOUR = 3_600_000;
const now = new Date("2026-12-03T12:00:00Z");
const later = (hours: number) => new Date(now.getTime() + hours * HOUR);
const nightly: MaintenanceWindow = { kind: "allow", schedule: "0 2 * * *", durationMs: 2 * HOUR };
const approve = (actor: string): Verdict => ({ actor, verdict: "approve", at: now });

test("no policy: go", () => {
  assert.deepEqual(gateDecision({ now, windows: [] }), { kind: "go", overridden: [] });
});

test("approvals: distinct people other than the requester, counted; waiting names how many and the time left", () => {
  const rule = { required: 2, deadline: later(24) };
  const one = gateDecision({ now, windows: [], approvals: rule, verdicts: [approve("alice"), approve("alice"), approve("carol")], requestedBy: "carol" });
  assert.equal(one.kind, "hold");
  assert.equal(one.kind === "hold" && describeHold(one.waiting), "approvals 1/2, 24h left");
  assert.deepEqual(gateDecision({ now, windows: [], approvals: rule, verdicts: [approve("alice"), approve("bob")], requestedBy: "carol" }), {
    kind: "go",
    overridden: [],
  });
  assert.deepEqual(approvers([approve("alice"), approve("carol"), { actor: "dave", verdict: "reject", at: now }], "carol"), ["alice"]);
});

test("one rejection stops it, whatever the approvals", () => {
  const decision = gateDecision({
    now,
    windows: [],
    approvals: { required: 1 },
    verdicts: [approve("alice"), { actor: "bob", verdict: "reject", reason: "not during the sale", at: now }],
  });
  assert.deepEqual(decision, { kind: "stop", status: "rejected", text: "rejected by bob: not during the sale" });
});

test("the deadline passes without the approvals: expired; with them it does not matter", () => {
  const rule = { required: 1, deadline: new Date(now.getTime() - 1) };
  assert.deepEqual(gateDecision({ now, windows: [], approvals: rule }), {
    kind: "stop",
    status: "expired",
    text: "expired at 2026-12-03T11:59:59.999Z with 0 of 1 approvals",
  });
  assert.equal(gateDecision({ now, windows: [], approvals: rule, verdicts: [approve("alice")] }).kind, "go");
});

test("a window holds until it opens; retryAt says when", () => {
  const decision = gateDecision({ now, windows: [[nightly]] });
  assert.equal(decision.kind, "hold");
  assert.deepEqual(decision.kind === "hold" && decision.retryAt, new Date("2026-12-04T02:00:00Z"));
  assert.deepEqual(decision.kind === "hold" && decision.waiting.map((w) => w.gate), ["window"]);
});

test("a freeze holds until it ends; an urgent deploy passes freezes and windows, and says which it passed", () => {
  const freeze = { until: later(48), reason: "holiday sale", by: "ops" };
  const held = gateDecision({ now, windows: [[nightly]], freeze });
  assert.deepEqual(held.kind === "hold" && held.waiting.map((w) => w.gate), ["freeze", "window"]);
  assert.match(
    held.kind === "hold" ? describeHold(held.waiting) : "",
    /^frozen until 2026-12-05T12:00:00.000Z by ops: holiday sale; outside its allow windows/,
  );
  assert.deepEqual(gateDecision({ now, windows: [[nightly]], freeze, urgent: "checkout is down" }), { kind: "go", overridden: ["freeze", "window"] });
  // an ended freeze holds nothing
  assert.deepEqual(gateDecision({ now, windows: [], freeze: { ...freeze, until: now } }), { kind: "go", overridden: [] });
});

test("urgent never passes approvals", () => {
  const decision = gateDecision({ now, windows: [[nightly]], approvals: { required: 1 }, urgent: "hotfix" });
  assert.deepEqual(decision.kind === "hold" && decision.waiting.map((w) => w.gate), ["approvals"]);
});
