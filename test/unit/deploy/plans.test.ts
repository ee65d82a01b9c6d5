import { test } from "node:test";
import assert from "node:assert/strict";
import { planConverge } from "../../../src/deploy/plan-converge.js";
import { planBlueGreen, planRecreate, planRolling } from "../../../src/deploy/plan-rollout.js";
import type { DeployStep, ObservedReplica } from "../../../src/deploy/plan.js";

const replica = (revision: number, n: number, running = true): ObservedReplica => ({
  id: `c${revision}${n}`,
  name: `web-prod-r${revision}-${n}`,
  revision,
  replica: n,
  running,
});
const ref = (revision: number, n: number) => ({ revision, replica: n });
/** id, kind, after and what each step acts on, compactly: "switch<health>[r2-1]", "!" for final, "|r1-1" for a fallback, "~" for a gate without settle. */
const shape = (steps: readonly DeployStep[]): string[] =>
  steps.map((s) => {
    const names = (refs: readonly { revision: number; replica: number }[]) => refs.map((r) => `r${r.revision}-${r.replica}`).join(" ");
    const refs = s.kind === "switch" ? s.to : s.kind === "unroute" ? [] : s.replicas;
    const fallback = s.kind === "switch" && s.fallback !== undefined ? `|${names(s.fallback)}` : "";
    const unsettled = s.kind === "health" && s.settle === false ? "~" : "";
    return `${s.id}<${s.after.join(",")}>[${names(refs)}${fallback}]${s.kind === "switch" && s.final ? "!" : ""}${unsettled}`;
  });

test("blue-green: create, start, health, one final switch, then drain, stop and remove the old", () => {
  const steps = planBlueGreen({ revision: 2, replicas: 2 }, [replica(1, 1), replica(1, 2), replica(1, 3, false)], { batch: 1, drain: true, fallback: true });
  assert.deepEqual(shape(steps), [
    "create<>[r2-1 r2-2]",
    "start<create>[r2-1 r2-2]",
    "health<start>[r2-1 r2-2]",
    "switch<health>[r2-1 r2-2]!",
    "drain<switch>[r1-1 r1-2]",
    "stop-old<drain>[r1-1 r1-2]",
    "remove-old<stop-old>[r1-1 r1-2 r1-3]",
  ]);
  assert.deepEqual(steps[0]?.kind, "create");
});

test("blue-green: a first deployment ends at the switch; no drain is planned when update.drain is 0", () => {
  assert.deepEqual(shape(planBlueGreen({ revision: 1, replicas: 1 }, [], { batch: 1, drain: true, fallback: true })), [
    "create<>[r1-1]",
    "start<create>[r1-1]",
    "health<start>[r1-1]",
    "switch<health>[r1-1]!",
  ]);
  assert.deepEqual(shape(planBlueGreen({ revision: 2, replicas: 1 }, [replica(1, 1)], { batch: 1, drain: false, fallback: true })).slice(6), [
    "stop-old<switch-final>[r1-1]",
    "remove-old<stop-old>[r1-1]",
  ]);
});

test("blue-green, one replica replacing a running one: it serves once it answers, the old as fallback, and settles while serving", () => {
  assert.deepEqual(shape(planBlueGreen({ revision: 2, replicas: 1 }, [replica(1, 1), replica(1, 2, false)], { batch: 1, drain: true, fallback: true })), [
    "create<>[r2-1]",
    "start<create>[r2-1]",
    "health<start>[r2-1]~",
    "switch<health>[r2-1|r1-1]",
    "settle<switch>[r2-1]",
    "switch-final<settle>[r2-1]!",
    "drain<switch-final>[r1-1]",
    "stop-old<drain>[r1-1]",
    "remove-old<stop-old>[r1-1 r1-2]",
  ]);
  // nothing to fall back to (the old is stopped), no proxy to fall back through, or several new replicas: the settle time stays in the gate
  for (const [observed, routed, replicas] of [
    [[replica(1, 1, false)], true, 1],
    [[replica(1, 1)], false, 1],
    [[replica(1, 1)], true, 2],
  ] as const) {
    const steps = shape(planBlueGreen({ revision: 2, replicas }, observed, { batch: 1, drain: true, fallback: routed }));
    assert.ok(steps.includes(`health<start>[${replicas === 1 ? "r2-1" : "r2-1 r2-2"}]`), steps.join(" "));
    assert.ok(!steps.some((s) => s.startsWith("settle")), steps.join(" "));
  }
});

test("recreate: the old stop before the new start, and are removed only once the new serve", () => {
  assert.deepEqual(shape(planRecreate({ revision: 4, replicas: 1 }, [replica(3, 1)], { batch: 1, drain: true, fallback: true })), [
    "create<>[r4-1]",
    "stop-old<create>[r3-1]",
    "start<stop-old>[r4-1]",
    "health<start>[r4-1]",
    "switch<health>[r4-1]!",
    "remove-old<switch>[r3-1]",
  ]);
});

test("rolling: batch k starts beside batch k-1, joins the route with the old not yet replaced, then as many old leave", () => {
  const steps = planRolling({ revision: 2, replicas: 3 }, [replica(1, 1), replica(1, 2), replica(1, 3), replica(1, 4, false)], {
    batch: 1,
    drain: true,
    fallback: true,
  });
  assert.deepEqual(shape(steps), [
    "create:1<>[r2-1]",
    "start:1<create:1>[r2-1]",
    "health:1<start:1>[r2-1]",
    "switch:1<health:1>[r1-2 r1-3 r2-1]",
    "drain:1<switch:1>[r1-1]",
    "stop-old:1<drain:1>[r1-1]",
    "remove-old:1<stop-old:1>[r1-1]",
    "create:2<>[r2-2]",
    "start:2<create:2>[r2-2]",
    "health:2<start:2>[r2-2]",
    "switch:2<health:2,switch:1>[r1-3 r2-1 r2-2]",
    "drain:2<switch:2>[r1-2]",
    "stop-old:2<drain:2>[r1-2]",
    "remove-old:2<stop-old:2>[r1-2]",
    "create:3<switch:1>[r2-3]",
    "start:3<create:3>[r2-3]",
    "health:3<start:3>[r2-3]",
    "switch:3<health:3,switch:2>[r2-1 r2-2 r2-3]!",
    "drain:3<switch:3>[r1-3]",
    "stop-old:3<drain:3>[r1-3]",
    "remove-old:3<stop-old:3>[r1-3]",
    "remove-stale<remove-old:1,remove-old:2,remove-old:3>[r1-4]",
  ]);
});

test("rolling from more replicas to fewer: the last batch retires every old replica left", () => {
  const steps = planRolling({ revision: 2, replicas: 2 }, [replica(1, 1), replica(1, 2), replica(1, 3)], { batch: 2, drain: false, fallback: true });
  assert.deepEqual(shape(steps), [
    "create:1<>[r2-1 r2-2]",
    "start:1<create:1>[r2-1 r2-2]",
    "health:1<start:1>[r2-1 r2-2]",
    "switch:1<health:1>[r2-1 r2-2]!",
    "stop-old:1<switch:1>[r1-1 r1-2 r1-3]",
    "remove-old:1<stop-old:1>[r1-1 r1-2 r1-3]",
  ]);
});

test("converge: in sync is an empty plan; a stale route alone is one switch", () => {
  const base = { target: { revision: 2, replicas: 2 }, observed: [replica(2, 1), replica(2, 2)], hasRoutes: true, drain: true };
  assert.deepEqual(planConverge({ ...base, routed: true }), []);
  assert.deepEqual(shape(planConverge({ ...base, routed: false })), ["switch<>[r2-1 r2-2]!"]);
  assert.deepEqual(planConverge({ ...base, routed: false, hasRoutes: false }), []);
});

test("converge: a missing and a stopped replica come back healthy before the route moves; what the route left drains, then goes", () => {
  const steps = planConverge({
    target: { revision: 2, replicas: 3 },
    observed: [replica(1, 1), replica(2, 1), replica(2, 2, false), replica(2, 4, false)],
    routed: true,
    hasRoutes: true,
    drain: true,
  });
  assert.deepEqual(shape(steps), [
    "create<>[r2-3]",
    "start<create>[r2-2 r2-3]",
    "health<start>[r2-2 r2-3]",
    "switch<health>[r2-1 r2-2 r2-3]!",
    "drain<switch>[r1-1]",
    "stop-old<drain>[r1-1]",
    "remove-old<stop-old>[r1-1 r2-4]",
  ]);
});

test("converge to nothing or to zero replicas takes the service down: routes first, then drain, stop, remove", () => {
  const observed = [replica(3, 1), replica(3, 2, false)];
  const down = ["unroute<>[]", "drain<unroute>[r3-1]", "stop-old<drain>[r3-1]", "remove-old<stop-old>[r3-1 r3-2]"];
  assert.deepEqual(shape(planConverge({ target: { revision: 4, replicas: 0 }, observed, routed: false, hasRoutes: true, drain: true })), down);
  assert.deepEqual(shape(planConverge({ target: undefined, observed, routed: false, hasRoutes: true, drain: true })), down);
  assert.deepEqual(shape(planConverge({ target: undefined, observed: [replica(3, 1)], routed: false, hasRoutes: false, drain: true })), [
    "stop-old<>[r3-1]",
    "remove-old<stop-old>[r3-1]",
  ]);
  assert.deepEqual(planConverge({ target: undefined, observed: [], routed: false, hasRoutes: false, drain: true }), []);
  void ref;
});
