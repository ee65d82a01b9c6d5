import { test } from "node:test";
import assert from "node:assert/strict";
import { buildImageGraph } from "../../../src/graph/image-graph.js";
import { isSlipwayError } from "../../../src/errors/index.js";

const seed = [
  { name: "app1-prod", from: "app1-dev" },
  { name: "py3dev", from: "python:3.6-slim" },
  { name: "infra-dev", from: "py3dev" },
  { name: "infra-prod", from: "infra-dev" },
  { name: "app1-dev", from: "infra-prod" },
  { name: "tools", from: "py3dev" },
];

test("images are ordered parents first, whatever the config order", () => {
  const graph = buildImageGraph(seed);
  assert.deepEqual(graph.order, ["py3dev", "infra-dev", "infra-prod", "app1-dev", "app1-prod", "tools"]);
  assert.deepEqual(graph.parentOf("py3dev"), { kind: "external", ref: "python:3.6-slim" });
  assert.deepEqual(graph.parentOf("infra-dev"), { kind: "graph", name: "py3dev" });
});

test("a subtree is the image and everything built on it, in build order", () => {
  const graph = buildImageGraph(seed);
  assert.deepEqual(graph.subtree("infra-prod"), ["infra-prod", "app1-dev", "app1-prod"]);
  assert.deepEqual(graph.subtree("py3dev"), graph.order);
  assert.deepEqual(graph.childrenOf("py3dev"), ["infra-dev", "tools"]);
});

test("selecting images brings their ancestors along", () => {
  const graph = buildImageGraph(seed);
  assert.deepEqual(graph.withAncestors(["app1-dev", "tools"]), ["py3dev", "infra-dev", "infra-prod", "app1-dev", "tools"]);
});

test("a cycle is one clear error naming the whole cycle", () => {
  const cyclic = [
    { name: "a", from: "c" },
    { name: "b", from: "a" },
    { name: "c", from: "b" },
  ];
  assert.throws(
    () => buildImageGraph(cyclic),
    (e: unknown) => isSlipwayError(e, "CONFIG_INVALID") && e.message === "the images form a cycle: a -> c -> b -> a",
  );
  assert.throws(() => buildImageGraph([{ name: "self", from: "self" }]), /self -> self/);
});

test("an image with no parent or FROM scratch has none", () => {
  const graph = buildImageGraph([{ name: "base" }, { name: "s", from: "scratch" }]);
  assert.deepEqual(graph.parentOf("base"), { kind: "none" });
  assert.deepEqual(graph.parentOf("s"), { kind: "none" });
});
