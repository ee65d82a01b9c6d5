import { test } from "node:test";
import assert from "node:assert/strict";
import { interruptedDirection } from "../../../src/deploy/converge.js";
import { planBlueGreen, planRecreate, planRolling } from "../../../src/deploy/plan-rollout.js";
import type { DeployStep, ObservedReplica } from "../../../src/deploy/plan.js";
import type { Runtime } from "../../../src/deploy/runtime.js";
import type { DeploymentRecord, DeploymentStep } from "../../../src/store/index.js";
import { webSpec } from "./spec-fixture.js";

const replica = (revision: number, n: number): ObservedReplica => ({
  id: `c${revision}${n}`,
  name: `web-r${revision}-${n}`,
  revision,
  replica: n,
  running: true,
});
const deployment = { id: 7, toRevision: 2, fromRevision: 1, strategy: "blue-green" } as unknown as DeploymentRecord;

/** A runtime that only answers the two questions resuming asks: what runs, and where the route points. */
function observing(routedToNew: boolean): Runtime {
  return {
    observe: () => Promise.resolve([replica(1, 1), replica(2, 1), replica(2, 2), replica(2, 3)]),
    routed: () => Promise.resolve(routedToNew),
  } as unknown as Runtime;
}

/** The steps a killed process left: every step before `index` done, the one at `index` started. */
function recorded(plan: readonly DeployStep[], index: number, last: "started" | "done"): DeploymentStep[] {
  const steps = [{ name: "pull", step: undefined }, ...plan.map((step) => ({ name: step.id, step }))].slice(0, index + 1);
  return steps.map(({ name, step }, i) => ({
    deploymentId: 7,
    seq: i + 1,
    name,
    detail: step === undefined ? { image: "x" } : { step },
    status: i === index ? last : "done",
    startedAt: new Date(0),
  }));
}

const old = [replica(1, 1), replica(1, 2), replica(1, 3)];
const plans = {
  "blue-green": planBlueGreen({ revision: 2, replicas: 3 }, old, { batch: 1, drain: true, fallback: true }),
  "blue-green of one replica (it serves while it settles, the old as fallback)": planBlueGreen({ revision: 2, replicas: 1 }, [replica(1, 1)], {
    batch: 1,
    drain: true,
    fallback: true,
  }),
  recreate: planRecreate({ revision: 2, replicas: 3 }, old, { batch: 1, drain: true, fallback: true }),
  rolling: planRolling({ revision: 2, replicas: 3 }, old, { batch: 1, drain: true, fallback: true }),
};

for (const [strategy, plan] of Object.entries(plans)) {
  test(`${strategy}: a deployment killed at any step resumes back before its final switch and forward after it`, async () => {
    const final = plan.findIndex((s) => s.kind === "switch" && s.final) + 1;
    for (let index = 0; index <= plan.length; index += 1) {
      for (const last of ["started", "done"] as const) {
        const steps = recorded(plan, index, last);
        const past = index > final || (index === final && last === "done");
        // The route says which side serves only when the final switch was recorded but not confirmed.
        for (const routed of [true, false]) {
          const expected = past ? "forward" : index === final && routed ? "forward" : "back";
          const got = await interruptedDirection(observing(routed), deployment, steps, webSpec());
          assert.equal(got, expected, `${strategy}: killed ${last === "started" ? "during" : "after"} ${steps[index]?.name} (routed to new: ${routed})`);
        }
      }
    }
  });
}

test("a rollback that had begun resumes back; a record without typed steps (an older Slipway) resumes back", async () => {
  const steps = recorded(plans["blue-green"], 4, "done");
  const withRollback = [...steps, { ...steps[0], seq: 9, name: "rollback", detail: {}, status: "started" } as DeploymentStep];
  assert.equal(await interruptedDirection(observing(true), deployment, withRollback, webSpec()), "back");
  const untyped = steps.map((s) => ({ ...s, detail: {} }));
  assert.equal(await interruptedDirection(observing(true), deployment, untyped, webSpec()), "back");
});
