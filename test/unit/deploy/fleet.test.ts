import { test } from "node:test";
import assert from "node:assert/strict";
import { describeHosts, hostList, hostRecorder, hostSteps } from "../../../src/deploy/fleet.js";
import type { DeploymentStep } from "../../../src/store/index.js";

test("each host's steps are recorded as HOST:STEP with the host in their detail, and read back under their own names", async () => {
  const recorded: { name: string; detail: Readonly<Record<string, unknown>> }[] = [];
  const recorder = hostRecorder({ run: async (name, detail, act) => (recorded.push({ name, detail }), act()) }, "web2");
  assert.equal(await recorder.run("switch", { step: { kind: "switch" } }, () => Promise.resolve(7)), 7);
  assert.deepEqual(recorded, [{ name: "web2:switch", detail: { step: { kind: "switch" }, host: "web2" } }]);

  const step = (seq: number, name: string, host?: string): DeploymentStep => ({
    deploymentId: 1,
    seq,
    name,
    detail: host === undefined ? {} : { host },
    status: "done",
    startedAt: new Date(0),
  });
  const steps = [
    step(1, "pull"),
    step(2, "web1:create", "web1"),
    step(3, "web2:create", "web2"),
    step(4, "web1:switch", "web1"),
    step(5, "web10:switch", "web10"),
  ];
  assert.deepEqual(
    hostSteps(steps, "web1").map((s) => [s.seq, s.name]),
    [
      [2, "create"],
      [4, "switch"],
    ],
  );
});

test("hosts in words, and one line per host's outcome", () => {
  assert.equal(hostList([]), "");
  assert.equal(hostList(["a"]), "a");
  assert.equal(hostList(["a", "b"]), "a and b");
  assert.equal(hostList(["a", "b", "c"]), "a, b and c");
  assert.deepEqual(
    describeHosts([
      { host: "a", outcome: "moved-back", detail: "to revision 3" },
      { host: "c", outcome: "untouched" },
    ]),
    ["a: moved-back (to revision 3)", "c: untouched"],
  );
});
