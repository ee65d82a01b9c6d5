import { test } from "node:test";
import assert from "node:assert/strict";
import { drawGraph, STATE_WORDS, type GraphEdge, type GraphNode, type GraphNodeState } from "../../../src/web/graph-view.js";

interface Box {
  readonly x: number;
  readonly y: number;
}

/** Each node group's image and the top-left corner its transform puts it at. */
function positions(svg: string): Map<string, Box> {
  const groups = [...svg.matchAll(/<g class="graph-node" data-image="([^"]*)" data-state="[^"]*" transform="translate\((-?[\d.]+) (-?[\d.]+)\)">/g)];
  return new Map(groups.map(([, id = "", x = "", y = ""]) => [id, { x: Number(x), y: Number(y) }]));
}

function at(boxes: Map<string, Box>, id: string): Box {
  const box = boxes.get(id);
  assert.ok(box, `no node group for ${id}`);
  return box;
}

function edgePaths(svg: string): string[] {
  return [...svg.matchAll(/<path class="edge"[^>]*>/g)].map(([path]) => path);
}

function count(svg: string, pattern: RegExp): number {
  return [...svg.matchAll(pattern)].length;
}

const CHAIN = ["base", "infra-dev", "infra-prod", "app1-dev", "app1-prod"];
const chainNodes: GraphNode[] = CHAIN.map((id) => ({ id, state: "up-to-date", version: "20261207T101500Z" }));
const chainEdges: GraphEdge[] = CHAIN.slice(1).map((to, i) => ({ from: CHAIN[i] ?? "", to }));

test("the five-image chain is drawn top to bottom: five nodes, parents above children, four arrows", () => {
  const svg = drawGraph(chainNodes, chainEdges);
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.endsWith("</svg>"));
  assert.equal(count(svg, /<g class="graph-node"/g), 5);
  const boxes = positions(svg);
  assert.deepEqual([...boxes.keys()].sort(), [...CHAIN].sort());
  for (const id of CHAIN) assert.ok(svg.includes(`>${id}</text>`), `${id} is shown`);
  for (const { from, to } of chainEdges) assert.ok(at(boxes, from).y < at(boxes, to).y, `${from} is above ${to}`);
  const paths = edgePaths(svg);
  assert.equal(paths.length, 4);
  for (const path of paths) assert.match(path, /marker-end="url\(#slipway-graph-arrow\)"/);
  assert.match(svg, /<defs><marker id="slipway-graph-arrow"[^>]*>/);
  assert.ok(paths.some((path) => path.includes('data-from="base" data-to="infra-dev"')));
});

test("each edge runs from its parent's bottom to its child's top, along dagre's points", () => {
  const svg = drawGraph(chainNodes, chainEdges);
  const boxes = positions(svg);
  for (const path of edgePaths(svg)) {
    const [, from = "", to = ""] = /data-from="([^"]*)" data-to="([^"]*)"/.exec(path) ?? [];
    const numbers = (/ d="([^"]*)"/.exec(path)?.[1] ?? "").match(/-?[\d.]+/g)?.map(Number) ?? [];
    assert.ok(numbers.length >= 4, path);
    assert.equal(numbers[1], at(boxes, from).y + 56, `${path} starts at the parent's bottom`);
    assert.equal(numbers.at(-1), at(boxes, to).y, `${path} ends at the child's top`);
  }
});

test("the svg is sized from the layout with a margin around every node", () => {
  const svg = drawGraph(chainNodes, chainEdges);
  const [minX = 0, minY = 0, width = 0, height = 0] = (/viewBox="([^"]*)"/.exec(svg)?.[1] ?? "").split(" ").map(Number);
  assert.match(svg, new RegExp(`<svg [^>]*width="${width}" height="${height}"`));
  for (const { x, y } of positions(svg).values()) {
    assert.ok(x - minX >= 16 && y - minY >= 16, "a margin above and left");
    assert.ok(minX + width - (x + 200) >= 16 && minY + height - (y + 56) >= 16, "a margin below and right");
  }
});

test("the svg is a labelled group with a title and its own styles", () => {
  const svg = drawGraph(chainNodes, chainEdges);
  assert.match(svg, /^<svg [^>]*role="group" aria-label="Image build graph"[^>]*><title>Image build graph<\/title><style>/);
  assert.match(svg, /\.state-rebuild \{ fill: #fde68a;[^}]*stroke-dasharray/);
  assert.match(svg, /\.state-failed \{[^}]*stroke-width: 3\.5px/);
});

test("names, versions and links are escaped", () => {
  const evil: GraphNode = { id: '<script>alert("x")</script>', version: "v1&<b>", state: "failed", href: "/images/a?x=1&y='2'\"><script>" };
  const svg = drawGraph([evil, { id: "base", state: "up-to-date" }], [{ from: "base", to: evil.id }]);
  assert.ok(!svg.includes("<script"), "no script element");
  assert.ok(!svg.includes("<b>"));
  assert.ok(svg.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  assert.ok(svg.includes("v1&amp;&lt;b&gt;"));
  assert.ok(svg.includes(`<a href="/images/a?x=1&amp;y=&#39;2&#39;&quot;&gt;&lt;script&gt;">`));
  assert.ok(svg.includes('data-to="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"'));
});

test("a node with an href is a link around its box, with a title naming the image and its state; one without is not", () => {
  const svg = drawGraph(
    [
      { id: "app1-prod", state: "rebuild", version: "20261207T101500Z", href: "/images/app1-prod" },
      { id: "tools", state: "up-to-date" },
    ],
    [],
  );
  assert.match(svg, /<a href="\/images\/app1-prod"><title>app1-prod: rebuilds, version 20261207T101500Z<\/title><rect class="node state-rebuild"[^>]*rx="8"/);
  assert.equal(count(svg, /<a /g), 1);
  assert.match(svg, /data-image="tools"[^>]*><title>tools: up to date<\/title><rect/);
});

test("every state shows its class and its words, and a node with no version says it is not built", () => {
  const states: GraphNodeState[] = ["rebuild", "up-to-date", "failed", "building", "unknown"];
  assert.deepEqual(STATE_WORDS, { rebuild: "rebuilds", "up-to-date": "up to date", failed: "failed", building: "building", unknown: "not built" });
  const svg = drawGraph(
    states.map((state) => ({ id: `image-${state}`, state, version: state === "unknown" ? undefined : "20261207T101500Z" })),
    [],
  );
  for (const state of states) {
    assert.match(svg, new RegExp(`data-image="image-${state}"[^>]*><title>[^<]*</title><rect class="node state-${state}"`));
    assert.ok(svg.includes(`: ${STATE_WORDS[state]}`), `the title says ${STATE_WORDS[state]}`);
  }
  assert.ok(svg.includes(">20261207T101500Z · rebuilds</text>"));
  assert.ok(svg.includes(">20261207T101500Z · up to date</text>"));
  assert.ok(svg.includes(">not built</text>"), "not built, said once");
  assert.ok(drawGraph([{ id: "new", state: "rebuild" }], []).includes(">not built · rebuilds</text>"));
});

test("an external base image is drawn differently and called external", () => {
  const svg = drawGraph(
    [
      { id: "python:3.12-slim", state: "unknown", external: true },
      { id: "base", state: "up-to-date" },
    ],
    [{ from: "python:3.12-slim", to: "base" }],
  );
  assert.match(svg, /<rect class="node state-unknown external"/);
  assert.ok(svg.includes(">external image</text>"));
  assert.ok(svg.includes("<title>python:3.12-slim: external image</title>"));
  assert.ok(at(positions(svg), "python:3.12-slim").y < at(positions(svg), "base").y);
});

test("a diamond puts both middle images on one rank between the top and the bottom", () => {
  const nodes: GraphNode[] = ["a", "b", "c", "d"].map((id) => ({ id, state: "unknown" }));
  const svg = drawGraph(nodes, [
    { from: "a", to: "b" },
    { from: "a", to: "c" },
    { from: "b", to: "d" },
    { from: "c", to: "d" },
  ]);
  const boxes = positions(svg);
  const [a, b, c, d] = ["a", "b", "c", "d"].map((id) => at(boxes, id));
  assert.ok(a && b && c && d);
  assert.equal(b.y, c.y);
  assert.notEqual(b.x, c.x);
  assert.ok(a.y < b.y && b.y < d.y);
  assert.equal(edgePaths(svg).length, 4);
});

test("edges naming unknown images, self-edges and repeated edges are ignored", () => {
  const svg = drawGraph(chainNodes, [
    ...chainEdges,
    { from: "ghost", to: "base" },
    { from: "app1-prod", to: "nowhere" },
    { from: "base", to: "base" },
    { from: "base", to: "infra-dev" },
  ]);
  assert.equal(edgePaths(svg).length, 4);
  assert.equal(positions(svg).size, 5);
  assert.ok(!svg.includes("ghost") && !svg.includes("nowhere"));
});

test("an empty graph is a small svg saying there are no images", () => {
  for (const svg of [drawGraph([], []), drawGraph([], [{ from: "a", to: "b" }])]) {
    assert.match(svg, /^<svg [^>]*aria-label="Image build graph"[^>]*>/);
    assert.ok(svg.includes(">No images</text>"));
    assert.ok(svg.endsWith("</svg>"));
    assert.equal(positions(svg).size, 0);
  }
});

test("a long name is cut with an ellipsis on the node, and kept whole in its title", () => {
  const id = "a-really-long-image-name-for-the-data-team-prod";
  const svg = drawGraph([{ id, state: "building", version: "1.2.3-rc.1+build.5678" }], []);
  assert.ok(svg.includes(`<title>${id}: building, version 1.2.3-rc.1+build.5678</title>`));
  const [, shown = ""] = /<text class="node-name"[^>]*>([^<]*)<\/text>/.exec(svg) ?? [];
  assert.equal(shown, "a-really-long-image-nam…");
  assert.equal([...shown].length, 24);
  assert.ok(svg.includes(">1.2.3-rc.1+buil… · building</text>"), "the version is cut, the state words are not");
  const short = "infra-dev";
  assert.ok(drawGraph([{ id: short, state: "building" }], []).includes(`>${short}</text>`));
});

test("the same graph in any order draws the same svg", () => {
  const nodes: GraphNode[] = [...chainNodes, { id: "tools", state: "failed" }, { id: "py3dev", state: "rebuild" }];
  const edges: GraphEdge[] = [...chainEdges, { from: "py3dev", to: "tools" }, { from: "py3dev", to: "base" }];
  const svg = drawGraph(nodes, edges);
  assert.equal(drawGraph([...nodes].reverse(), [...edges].reverse()), svg);
  assert.equal(drawGraph(nodes, edges), svg);
});
