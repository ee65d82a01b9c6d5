import assert from "node:assert/strict";
import { test } from "node:test";
import { LABEL } from "../../../src/deploy/index.js";
import { swarmServiceName, swarmServiceSpec, updateConfig } from "../../../src/deploy/swarm-spec.js";
import { statusByNode, tasksByNode, updateVerdict, type ObservedTask } from "../../../src/deploy/swarm-watch.js";
import { webSpec } from "./spec-fixture.js";

const DIGEST = `sha256:${"d".repeat(64)}`;
const identity = { revision: 4, specHash: "abc123", deploymentId: 17 };

test("a revision becomes a Swarm service: pinned image, labels on service and tasks, env without its secrets, limits, restart, placement, dnsrr", () => {
  const spec = webSpec({
    image: `localhost:5000/web:v2@${DIGEST}`,
    replicas: 4,
    env: { GREETING: "hello", API_TOKEN: "s3cret", A_FIRST: "1" },
    entrypoint: ["/bin/sh", "-c"],
    command: ["exec httpd -f -p 8080"],
    memoryBytes: 64 * 1024 * 1024,
    cpus: 0.5,
    restart: { policy: "on-failure", maxRetries: 3 },
    volumes: [
      { type: "volume", source: "web-data", target: "/data", readOnly: false },
      { type: "tmpfs", target: "/tmp", sizeBytes: 1024 },
    ],
    healthcheck: { test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"], intervalSeconds: 1, retries: 3 },
    stopGracePeriodMs: 2500,
    networks: [{ name: "backend", aliases: ["web-api"] }],
  });
  const service = swarmServiceSpec(spec, identity, {
    network: "slipway-prod",
    placement: { constraints: ["node.role==worker"], spread: ["node.labels.zone"], onePerNode: true },
    secrets: { API_TOKEN: { id: "sec1", name: "web-prod-api_token-abc123" } },
  });
  assert.equal(service.Name, "web-prod");
  for (const labels of [service.Labels, service.TaskTemplate.ContainerSpec.Labels]) {
    assert.equal(labels[LABEL.service], "web");
    assert.equal(labels[LABEL.environment], "prod");
    assert.equal(labels[LABEL.revision], "4");
    assert.equal(labels[LABEL.specHash], "abc123");
    assert.equal(labels[LABEL.deployment], "17");
    assert.equal(labels["team"], "data");
  }
  const container = service.TaskTemplate.ContainerSpec;
  assert.equal(container.Image, `localhost:5000/web:v2@${DIGEST}`);
  assert.deepEqual(container.Command, ["/bin/sh", "-c"]);
  assert.deepEqual(container.Args, ["exec httpd -f -p 8080"]);
  assert.deepEqual(container.Env, ["A_FIRST=1", "GREETING=hello"], "sorted, and the secret is not in the spec anyone can inspect");
  assert.deepEqual(container.Secrets, [
    { SecretID: "sec1", SecretName: "web-prod-api_token-abc123", File: { Name: "API_TOKEN", UID: "0", GID: "0", Mode: 0o400 } },
  ]);
  assert.deepEqual(container.Healthcheck, { Test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"], Interval: 1_000_000_000, Retries: 3 });
  assert.equal(container.StopGracePeriod, 2_500_000_000);
  assert.deepEqual(container.Mounts, [
    { Type: "volume", Source: "web-data", Target: "/data", ReadOnly: false },
    { Type: "tmpfs", Target: "/tmp", TmpfsOptions: { SizeBytes: 1024 } },
  ]);
  assert.deepEqual(service.TaskTemplate.Resources, { Limits: { NanoCPUs: 500_000_000, MemoryBytes: 64 * 1024 * 1024 } });
  assert.deepEqual(service.TaskTemplate.RestartPolicy, { Condition: "on-failure", MaxAttempts: 3 });
  assert.deepEqual(service.TaskTemplate.Placement, {
    Constraints: ["node.role==worker"],
    Preferences: [{ Spread: { SpreadDescriptor: "node.labels.zone" } }],
    MaxReplicas: 1,
  });
  assert.deepEqual(service.TaskTemplate.Networks, [
    { Target: "slipway-prod", Aliases: ["web"] },
    { Target: "backend", Aliases: ["web-api"] },
  ]);
  assert.equal(service.TaskTemplate.ForceUpdate, 4);
  assert.deepEqual(service.Mode, { Replicated: { Replicas: 4 } });
  assert.deepEqual(service.EndpointSpec, { Mode: "dnsrr", Ports: [] }, "no routing mesh: the per-node proxy routes");
});

test("the routing mesh, when chosen, publishes the ports through ingress", () => {
  const service = swarmServiceSpec(webSpec(), identity, { network: "n", endpoint: "vip" });
  assert.deepEqual(service.EndpointSpec, { Mode: "vip", Ports: [{ Protocol: "tcp", TargetPort: 8080, PublishedPort: 18080, PublishMode: "ingress" }] });
});

test("the strategy sets the update's order and pace; Swarm pauses on failure and Slipway decides", () => {
  const blueGreen = updateConfig(webSpec({ replicas: 4 }));
  assert.deepEqual(blueGreen, { Parallelism: 4, Delay: 0, FailureAction: "pause", Monitor: 1_000_000_000, MaxFailureRatio: 0, Order: "start-first" });
  assert.equal(
    updateConfig(webSpec({ health: { ...webSpec().health, settleMs: 3000 } })).Monitor,
    3_000_000_000,
    "a new task must stay up for the settle time",
  );
  const rolling = updateConfig(webSpec({ replicas: 4, update: { strategy: "rolling", batch: 2, drainMs: 0, keep: 5, allowSharedVolumes: false } }));
  assert.deepEqual([rolling.Parallelism, rolling.Order], [2, "start-first"]);
  const recreate = updateConfig(webSpec({ replicas: 3, update: { strategy: "recreate", batch: 1, drainMs: 0, keep: 5, allowSharedVolumes: false } }));
  assert.deepEqual([recreate.Parallelism, recreate.Order], [1, "stop-first"]);
  assert.deepEqual(swarmServiceSpec(webSpec({ restart: { policy: "no" } }), identity, { network: "n" }).TaskTemplate.RestartPolicy, { Condition: "none" });
  assert.deepEqual(swarmServiceSpec(webSpec(), identity, { network: "n" }).TaskTemplate.RestartPolicy, { Condition: "any" });
});

test("a Swarm service name is a DNS label of at most 63 characters", () => {
  assert.equal(swarmServiceName("web", "prod"), "web-prod");
  assert.ok(swarmServiceName("a".repeat(60), "production").length <= 63);
});

const task = (id: string, revision: number, state: string, desired = "running", extra: Partial<ObservedTask> = {}): ObservedTask => ({
  id,
  node: extra.node ?? "node-1",
  revision,
  state,
  desired,
  ...extra,
});

test("an update is progressing until exactly the wanted tasks of the new revision run and no old one does", () => {
  const target = { revision: 4, replicas: 2 };
  const mid = {
    updateState: "updating",
    tasks: [task("a", 3, "running"), task("b", 4, "running"), task("c", 4, "starting"), task("d", 3, "shutdown", "shutdown")],
  };
  assert.deepEqual(updateVerdict(mid, target, 1000, 60_000), { kind: "progressing", running: 1, wanted: 2, others: 1 });
  const stillOld = { updateState: "completed", tasks: [task("b", 4, "running"), task("c", 4, "running"), task("a", 3, "running")] };
  assert.equal(updateVerdict(stillOld, target, 1000, 60_000).kind, "progressing", "an old task still running is not settled");
  const done = { updateState: "completed", tasks: [task("b", 4, "running"), task("c", 4, "running"), task("a", 3, "shutdown", "shutdown")] };
  assert.deepEqual(updateVerdict(done, target, 1000, 60_000), { kind: "settled" });
  assert.deepEqual(
    updateVerdict({ tasks: [task("b", 4, "running"), task("c", 4, "running")] }, target, 10, 60_000),
    { kind: "settled" },
    "a new service has no UpdateStatus",
  );
});

test("an update fails when Swarm pauses it, a new task fails, or it does not settle in time, saying why", () => {
  const target = { revision: 4, replicas: 2 };
  assert.deepEqual(
    updateVerdict({ updateState: "paused", updateMessage: "update paused due to failure or early termination of task x", tasks: [] }, target, 10, 60_000),
    {
      kind: "failed",
      reason: "Swarm paused the update: update paused due to failure or early termination of task x",
    },
  );
  assert.match(
    (updateVerdict({ updateState: "rollback_started", tasks: [] }, target, 10, 60_000) as { reason: string }).reason,
    /rolled it back \(rollback_started\)/,
  );
  const failed = {
    updateState: "updating",
    tasks: [task("b", 4, "failed", "shutdown", { node: "worker-2", error: "task: non-zero exit (1)" }), task("a", 3, "running")],
  };
  assert.deepEqual(updateVerdict(failed, target, 10, 60_000), { kind: "failed", reason: "a task of revision 4 on worker-2 failed: task: non-zero exit (1)" });
  const slow = { updateState: "updating", tasks: [task("b", 4, "starting"), task("a", 3, "running")] };
  assert.deepEqual(updateVerdict(slow, target, 60_000, 60_000), {
    kind: "failed",
    reason: "not settled within 60 s: 0 of 2 replicas of revision 4 running, 1 of other revisions",
  });
  const oldFailure = { updateState: "completed", tasks: [task("z", 3, "failed", "shutdown"), task("b", 4, "running"), task("c", 4, "running")] };
  assert.deepEqual(
    updateVerdict(oldFailure, target, 10, 60_000),
    { kind: "settled" },
    "a failed task of an older revision is history, not this update's failure",
  );
});

test("tasks meant to run are grouped by node", () => {
  const byNode = tasksByNode([
    task("a", 4, "running", "running", { node: "n1" }),
    task("b", 4, "running", "running", { node: "n2" }),
    task("c", 3, "shutdown", "shutdown", { node: "n1" }),
  ]);
  assert.deepEqual([...byNode.keys()].sort(), ["n1", "n2"]);
  assert.deepEqual(
    byNode.get("n1")?.map((t) => t.id),
    ["a"],
  );
});

test("status names every node, a node that is down and runs nothing of the service included", () => {
  const status = statusByNode(
    [
      { id: "n1", name: "manager", state: "ready" },
      { id: "n2", name: "worker-1", state: "down" },
      { id: "n3", name: "worker-2", state: "ready" },
    ],
    [
      task("a", 4, "running", "running", { node: "n1" }),
      task("b", 4, "running", "running", { node: "n3" }),
      task("c", 4, "running", "shutdown", { node: "n2" }),
    ],
  );
  assert.deepEqual(status, [
    { node: "manager", state: "ready", tasks: [{ id: "a", state: "running", revision: 4 }] },
    { node: "worker-1", state: "down", tasks: [] },
    { node: "worker-2", state: "ready", tasks: [{ id: "b", state: "running", revision: 4 }] },
  ]);
});
