import { test } from "node:test";
import assert from "node:assert/strict";
import { buildImageGraph } from "../../../src/graph/image-graph.js";
import { fingerprint, type FingerprintInputs } from "../../../src/graph/fingerprint.js";
import { describeReason, planBuilds, type PlanPorts } from "../../../src/graph/plan.js";

// The seed scenario as plain data: what the registry holds is what was built last time.
const images = [
  { name: "base", from: "busybox:1" },
  { name: "infra-dev", from: "base" },
  { name: "infra-prod", from: "infra-dev", seal: "infra" },
  { name: "app1-dev", from: "infra-prod" },
  { name: "app1-prod", from: "app1-dev", seal: "app1" },
];
const graph = buildImageGraph(images);

interface World {
  defCommit: Record<string, string>;
  sources: Record<string, string>;
  baseDigest: string;
}

function inputsIn(world: World, name: string): Omit<FingerprintInputs, "parentDigest"> {
  const seal = images.find((i) => i.name === name)?.seal;
  return {
    definition: { source: "my-docker", path: name, dockerfile: "Dockerfile", commit: world.defCommit[name] ?? "d0" },
    sealed: seal ? { [seal]: { source: seal, commit: world.sources[seal] ?? "s0" } } : {},
    buildArgs: {},
    labels: {},
  };
}

/** Builds everything in a world and returns the registry (fingerprint -> digest) and records. */
function buildAll(world: World): { registry: Map<string, string>; records: Map<string, FingerprintInputs> } {
  const registry = new Map<string, string>();
  const records = new Map<string, FingerprintInputs>();
  let parentDigest = world.baseDigest;
  for (const name of graph.order) {
    const inputs = { ...inputsIn(world, name), parentDigest };
    const fp = fingerprint(inputs);
    parentDigest = `sha256:${fp}`;
    registry.set(`${name}@${fp}`, parentDigest);
    records.set(name, inputs);
  }
  return { registry, records };
}

function ports(world: World, built: ReturnType<typeof buildAll>, calls: string[] = []): PlanPorts {
  return {
    inputsOf: async (name) => inputsIn(world, name),
    baseDigest: async () => world.baseDigest,
    findByFingerprint: async (name, fp) => {
      calls.push(`head ${name}`);
      return built.registry.get(`${name}@${fp}`);
    },
    previousInputs: async (name) => built.records.get(name),
    changedPaths: async (source, from, to) => [`${source}/${from}..${to}/file`],
  };
}

const start: World = { defCommit: {}, sources: { infra: "i1", app1: "a1" }, baseDigest: `sha256:${"0".repeat(64)}` };

test("nothing changed: nothing is rebuilt, with one registry lookup per image", async () => {
  const calls: string[] = [];
  const plan = await planBuilds(graph, graph.order, ports(start, buildAll(start), calls));
  assert.deepEqual(plan.toBuild, []);
  assert.equal(calls.length, 5);
});

test("a commit to the framework rebuilds exactly infra-prod, app1-dev and app1-prod", async () => {
  const moved: World = { ...start, sources: { ...start.sources, infra: "i2" } };
  const plan = await planBuilds(graph, graph.order, ports(moved, buildAll(start)));
  assert.deepEqual(plan.toBuild, ["infra-prod", "app1-dev", "app1-prod"]);
  const infraProd = plan.entries.find((e) => e.image === "infra-prod");
  assert.ok(infraProd?.action === "build");
  assert.equal(describeReason(infraProd.reasons[0] ?? { kind: "requested" }), "source infra moved i1 -> i2: infra/i1..i2/file");
  const app1Dev = plan.entries.find((e) => e.image === "app1-dev");
  assert.ok(app1Dev?.action === "build");
  assert.deepEqual(app1Dev.reasons, [{ kind: "parent-rebuilt", parent: "infra-prod" }]);
});

test("a change to only app1-dev's definition rebuilds exactly app1-dev and app1-prod", async () => {
  const changed: World = { ...start, defCommit: { "app1-dev": "d1" } };
  const plan = await planBuilds(graph, graph.order, ports(changed, buildAll(start)));
  assert.deepEqual(plan.toBuild, ["app1-dev", "app1-prod"]);
  const entry = plan.entries.find((e) => e.image === "app1-dev");
  assert.ok(entry?.action === "build");
  assert.equal(entry.reasons[0]?.kind, "definition-changed");
});

test("a changed external base rebuilds everything below it", async () => {
  const rebased: World = { ...start, baseDigest: `sha256:${"1".repeat(64)}` };
  const plan = await planBuilds(graph, graph.order, ports(rebased, buildAll(start)));
  assert.deepEqual(plan.toBuild, graph.order);
  const entry = plan.entries[0];
  assert.ok(entry?.action === "build");
  assert.match(describeReason(entry.reasons[0] ?? { kind: "requested" }), /^base image busybox:1 changed 000000000000 -> 111111111111$/);
});

test("a revert is a new commit and so a new build, even though the content is old", async () => {
  const reverted: World = { ...start, sources: { ...start.sources, app1: "a3-revert-of-a2" } };
  const plan = await planBuilds(graph, graph.order, ports(reverted, buildAll(start)));
  assert.deepEqual(plan.toBuild, ["app1-prod"]);
});

test("selecting one image plans its ancestors too, and --force rebuilds the selected one only", async () => {
  const plan = await planBuilds(graph, ["infra-dev"], ports(start, buildAll(start)), { force: true });
  assert.deepEqual(
    plan.entries.map((e) => e.image),
    ["base", "infra-dev"],
  );
  assert.deepEqual(plan.toBuild, ["infra-dev"]);
});

test("an image never built before says so", async () => {
  const empty = { registry: new Map<string, string>(), records: new Map<string, FingerprintInputs>() };
  const plan = await planBuilds(graph, graph.order, ports(start, empty));
  assert.deepEqual(plan.toBuild, graph.order);
  const first = plan.entries[0];
  assert.ok(first?.action === "build");
  assert.deepEqual(first.reasons, [{ kind: "first-build" }]);
});
