import { test } from "node:test";
import assert from "node:assert/strict";
import { paceHosts, type HostPace } from "../../../src/deploy/fleet-pace.js";
import type { DeployStep } from "../../../src/deploy/plan.js";

const create: DeployStep = { kind: "create", id: "create", after: [], batch: 1, replicas: [] };
const switchTo: DeployStep = { kind: "switch", id: "switch", after: [], batch: 1, to: [], final: false };
const final: DeployStep = { kind: "switch", id: "switch-final", after: [], batch: 1, to: [], final: true };
const stop: DeployStep = { kind: "stop", id: "stop-old", after: [], batch: 1, replicas: [] };

/** Whether `before(step)` has resolved after the pending callbacks ran. */
async function passes(pace: HostPace, step: DeployStep): Promise<boolean> {
  let passed = false;
  void pace.before(step).then(() => (passed = true));
  await new Promise((resolve) => setImmediate(resolve));
  return passed;
}

function hostsOf(count: number, parallel: number): HostPace[] {
  return paceHosts(
    Array.from({ length: count }, (_, i) => i),
    parallel,
  ).hosts.map((h) => h.pace);
}

test("the first host starts at once; the next begins after its first switch and switches after its final switch", async () => {
  const [a, b, c] = hostsOf(3, 1);
  assert.ok(a && b && c);
  assert.equal(await passes(a, create), true);
  assert.equal(await passes(a, switchTo), true);
  assert.equal(await passes(b, create), false, "b waits until a serves its new revision");
  a.done(create);
  assert.equal(await passes(b, create), false);
  a.done(switchTo);
  assert.equal(await passes(b, create), true, "b starts its containers while a settles");
  assert.equal(await passes(b, switchTo), false, "b does not switch before a's final switch");
  assert.equal(await passes(b, stop), false, "nor stop anything");
  assert.equal(await passes(c, create), false, "c waits for b, not for a");
  a.done(final);
  assert.equal(await passes(b, switchTo), true);
  assert.equal(await passes(c, create), false);
  assert.equal(a.served(), true);
  assert.equal(b.served(), false);
});

test("a host whose plan ended, whatever its result, holds no one back", async () => {
  const [a, b] = hostsOf(2, 1);
  assert.ok(a && b);
  a.end();
  assert.equal(await passes(b, switchTo), true);
  assert.equal(a.served(), false, "ending is not serving");
});

test("with hosts_parallel 2, a batch waits for every host of the batch before it", async () => {
  const [a, b, c, d, e] = hostsOf(5, 2);
  assert.ok(a && b && c && d && e);
  assert.equal(await passes(b, switchTo), true, "a and b go together");
  a.done(final);
  assert.equal(await passes(c, create), false, "b has not switched yet");
  b.done(switchTo);
  assert.equal(await passes(c, create), true);
  assert.equal(await passes(d, create), true);
  assert.equal(await passes(c, switchTo), false);
  b.done(final);
  assert.equal(await passes(d, switchTo), true);
  assert.equal(await passes(e, create), false, "e follows c and d");
  c.end();
  d.end();
  assert.equal(await passes(e, create), true);
});

test("a stop releases every waiting host with its signal aborted and its reason", async () => {
  const fleet = paceHosts(["a", "b"], 1);
  const b = fleet.hosts[1]?.pace;
  assert.ok(b);
  const waiting = b.before(create);
  fleet.stop("the rollout stopped at a");
  await waiting;
  assert.equal(b.signal.aborted, true);
  assert.equal(b.signal.reason, "the rollout stopped at a");
});
