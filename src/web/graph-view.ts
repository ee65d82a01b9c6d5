/**
 * The image build graph as an SVG the server draws: dagre lays the DAG out top to bottom
 * (parents above the images built on them), and this module turns the layout into one
 * standalone, accessible `<svg>` string. Each image is a rounded box whose state shows three
 * ways: a fill colour, a stroke pattern, and words ("rebuilds", "up to date", ...), so the
 * graph reads without colour. An image with an href is a real link (keyboard focusable), and
 * every text and attribute value is escaped. Pure: the same input always gives the same
 * string (inputs are sorted by id before layout); the page embeds it with `raw()`.
 */
import dagre from "@dagrejs/dagre";
import { escapeHtml } from "./html.js";

export type GraphNodeState = "rebuild" | "up-to-date" | "failed" | "building" | "unknown";

export interface GraphNode {
  /** The image name, e.g. "app1-prod". */
  readonly id: string;
  /** Its newest tag, e.g. "20261207T101500Z". */
  readonly version?: string;
  readonly state: GraphNodeState;
  /** A link to its builds page, e.g. "/images/app1-prod". */
  readonly href?: string;
  /** An external base image (e.g. python:3.12-slim), drawn differently. */
  readonly external?: boolean;
}

/** from = the parent image, to = the image built on it. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
}

/** Each state in words, shown on the node and in its title. */
export const STATE_WORDS: Record<GraphNodeState, string> = {
  rebuild: "rebuilds",
  "up-to-date": "up to date",
  failed: "failed",
  building: "building",
  unknown: "not built",
};

const NODE_WIDTH = 200;
const NODE_HEIGHT = 56;
const NODE_SEPARATION = 32;
const RANK_SEPARATION = 48;
const MARGIN = 16;
const TEXT_INSET = 10;
/**
 * Longer names end in an ellipsis (the full name stays in the title). Measured in DejaVu Sans, a
 * wide default font on Linux: 24 characters of 12px semibold fill the 180px inside a node, 26
 * overflow it; a clip path keeps anything wider still inside the box.
 */
const MAX_NAME_CHARS = 24;
/** A timestamp tag ("20261207T101500Z") fits whole; the state words after it are never cut. */
const MAX_VERSION_CHARS = 16;
const LABEL = "Image build graph";
const ARROW_ID = "slipway-graph-arrow";
const CLIP_ID = "slipway-graph-node-clip";

// ---------------------------------------------------------------------------------------------
// dagre, typed. @dagrejs/dagre 3.1.4's own typings (dist/types/index.d.ts) re-export from
// extensionless relative paths ("./lib/layout"), which TypeScript cannot resolve under
// NodeNext; with skipLibCheck that fails silently and every export arrives as `any`. So the
// few shapes this module relies on are written down here and the import is bound to them.
// They also fit the real typings where those do resolve (moduleResolution "Bundler"), so a
// dagre release that fixes its paths still compiles here.

interface Point {
  readonly x: number;
  readonly y: number;
}

interface DagreNodeLabel {
  width: number;
  height: number;
  /** The centre, set by layout. */
  x?: number;
  y?: number;
}

interface DagreEdgeLabel {
  /** From the parent's border to the child's, set by layout. */
  points?: Point[];
}

/**
 * Edges go by object, graphlib's other form of setEdge and edge: TypeScript matches a facade
 * against the last overload, and for (v, w) that would take w's type for the edge label's.
 */
interface DagreEdge {
  readonly v: string;
  readonly w: string;
}

interface DagreGraphLabel {
  rankdir: "TB";
  nodesep: number;
  ranksep: number;
  marginx: number;
  marginy: number;
}

interface DagreGraph {
  setGraph(label: DagreGraphLabel): unknown;
  setDefaultEdgeLabel(factory: () => DagreEdgeLabel): unknown;
  setNode(name: string, label: DagreNodeLabel): unknown;
  setEdge(edge: DagreEdge): unknown;
  node(name: string): DagreNodeLabel | undefined;
  edge(edge: DagreEdge): DagreEdgeLabel | undefined;
}

interface Dagre {
  readonly graphlib: { readonly Graph: new () => DagreGraph };
  layout(graph: DagreGraph): void;
}

const engine: Dagre = dagre;

// ---------------------------------------------------------------------------------------------
// Layout

interface PlacedNode {
  readonly node: GraphNode;
  /** The top-left corner of its box. */
  readonly x: number;
  readonly y: number;
}

interface PlacedEdge {
  readonly edge: GraphEdge;
  readonly points: readonly Point[];
}

interface Bounds {
  readonly minX: number;
  readonly minY: number;
  readonly width: number;
  readonly height: number;
}

interface Layout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly bounds: Bounds;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One node per id (the first given wins), sorted by id. */
function uniqueNodes(nodes: readonly GraphNode[]): GraphNode[] {
  const byId = new Map<string, GraphNode>();
  for (const node of nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  return [...byId.values()].sort((a, b) => compare(a.id, b.id));
}

/** The edges between known, distinct nodes, once each, sorted; any other edge is ignored. */
function usableEdges(edges: readonly GraphEdge[], ids: ReadonlySet<string>): GraphEdge[] {
  const byKey = new Map<string, GraphEdge>();
  for (const edge of edges) {
    if (edge.from === edge.to || !ids.has(edge.from) || !ids.has(edge.to)) continue;
    byKey.set(JSON.stringify([edge.from, edge.to]), { from: edge.from, to: edge.to });
  }
  return [...byKey.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to));
}

function buildDagreGraph(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): DagreGraph {
  const graph = new engine.graphlib.Graph();
  graph.setGraph({ rankdir: "TB", nodesep: NODE_SEPARATION, ranksep: RANK_SEPARATION, marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of edges) graph.setEdge({ v: edge.from, w: edge.to });
  return graph;
}

function centre(graph: DagreGraph, id: string): Point {
  const label = graph.node(id);
  return { x: label?.x ?? 0, y: label?.y ?? 0 };
}

function placeNode(graph: DagreGraph, node: GraphNode): PlacedNode {
  const { x, y } = centre(graph, node.id);
  return { node, x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 };
}

/** dagre's points; should an edge have none, a straight line from bottom centre to top centre. */
function placeEdge(graph: DagreGraph, edge: GraphEdge): PlacedEdge {
  const points = graph.edge({ v: edge.from, w: edge.to })?.points ?? [];
  if (points.length >= 2) return { edge, points };
  const from = centre(graph, edge.from);
  const to = centre(graph, edge.to);
  return {
    edge,
    points: [
      { x: from.x, y: from.y + NODE_HEIGHT / 2 },
      { x: to.x, y: to.y - NODE_HEIGHT / 2 },
    ],
  };
}

/** Everything drawn (node boxes and edge points), with the margin around it. */
function boundsOf(nodes: readonly PlacedNode[], edges: readonly PlacedEdge[]): Bounds {
  const xs = [...nodes.flatMap((n) => [n.x, n.x + NODE_WIDTH]), ...edges.flatMap((e) => e.points.map((p) => p.x))];
  const ys = [...nodes.flatMap((n) => [n.y, n.y + NODE_HEIGHT]), ...edges.flatMap((e) => e.points.map((p) => p.y))];
  const minX = Math.floor(Math.min(...xs)) - MARGIN;
  const minY = Math.floor(Math.min(...ys)) - MARGIN;
  return { minX, minY, width: Math.ceil(Math.max(...xs)) + MARGIN - minX, height: Math.ceil(Math.max(...ys)) + MARGIN - minY };
}

function layOut(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Layout {
  const graph = buildDagreGraph(nodes, edges);
  engine.layout(graph);
  const placedNodes = nodes.map((node) => placeNode(graph, node));
  const placedEdges = edges.map((edge) => placeEdge(graph, edge));
  return { nodes: placedNodes, edges: placedEdges, bounds: boundsOf(placedNodes, placedEdges) };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** A coordinate to one decimal, so the markup stays short and stable. */
function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** At most `max` characters (code points), the last one an ellipsis when cut. */
function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

function stateWords(node: GraphNode): string {
  return node.external === true && node.state === "unknown" ? "external image" : STATE_WORDS[node.state];
}

/** The second line: the version (or "not built") and the state, without saying "not built" twice. */
function detailLine(node: GraphNode): string {
  const words = stateWords(node);
  if (node.version !== undefined && node.version !== "") return `${truncate(node.version, MAX_VERSION_CHARS)} · ${words}`;
  return node.external === true || words === STATE_WORDS.unknown ? words : `not built · ${words}`;
}

function nodeTitle(node: GraphNode): string {
  const version = node.version === undefined || node.version === "" ? "" : `, version ${node.version}`;
  return `${node.id}: ${stateWords(node)}${version}`;
}

function nodeContent(node: GraphNode): string {
  const boxClass = escapeHtml(`node state-${node.state}${node.external === true ? " external" : ""}`);
  return [
    `<title>${escapeHtml(nodeTitle(node))}</title>`,
    `<rect class="${boxClass}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="8" ry="8"/>`,
    `<text class="node-name" x="${TEXT_INSET}" y="23" clip-path="url(#${CLIP_ID})">${escapeHtml(truncate(node.id, MAX_NAME_CHARS))}</text>`,
    `<text class="node-detail" x="${TEXT_INSET}" y="43" clip-path="url(#${CLIP_ID})">${escapeHtml(detailLine(node))}</text>`,
  ].join("");
}

function renderNode({ node, x, y }: PlacedNode): string {
  const content = nodeContent(node);
  const body = node.href === undefined ? content : `<a href="${escapeHtml(node.href)}">${content}</a>`;
  return `<g class="graph-node" data-image="${escapeHtml(node.id)}" data-state="${escapeHtml(node.state)}" transform="translate(${num(x)} ${num(y)})">${body}</g>`;
}

function renderEdge({ edge, points }: PlacedEdge): string {
  const d = points.map((p, i) => `${i === 0 ? "M" : "L"}${num(p.x)} ${num(p.y)}`).join(" ");
  return `<path class="edge" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" d="${d}" marker-end="url(#${ARROW_ID})"/>`;
}

/** Scoped to the svg's class: a <style> inside inline SVG applies to the whole page. */
const STYLE = [
  ".image-graph { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; }",
  ".image-graph .node { stroke-width: 1.5px; }",
  ".image-graph .state-rebuild { fill: #fde68a; stroke: #92400e; stroke-dasharray: 6 4; }",
  ".image-graph .state-up-to-date { fill: #bbf7d0; stroke: #166534; }",
  ".image-graph .state-failed { fill: #fecaca; stroke: #991b1b; stroke-width: 3.5px; }",
  ".image-graph .state-building { fill: #bfdbfe; stroke: #1e40af; stroke-dasharray: 2 3; stroke-linecap: round; }",
  ".image-graph .state-unknown { fill: #e5e7eb; stroke: #4b5563; stroke-dasharray: 10 3 2 3; }",
  ".image-graph .node.external { fill: #ffffff; }",
  ".image-graph .node-name { fill: #111827; font-size: 12px; font-weight: 600; }",
  ".image-graph .node-detail { fill: #1f2937; font-size: 11px; }",
  ".image-graph .edge { fill: none; stroke: #4b5563; stroke-width: 1.5px; }",
  ".image-graph .arrow { fill: #4b5563; }",
  ".image-graph .empty { fill: #374151; font-size: 14px; }",
  ".image-graph a:hover .node-name { text-decoration: underline; }",
  ".image-graph a:focus-visible { outline: 3px solid #111827; outline-offset: 3px; }",
].join("\n");

function defs(): string {
  const arrow = `<marker id="${ARROW_ID}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="arrow" d="M0 0 L10 5 L0 10 z"/></marker>`;
  const clip = `<clipPath id="${CLIP_ID}"><rect x="4" y="0" width="${NODE_WIDTH - 8}" height="${NODE_HEIGHT}"/></clipPath>`;
  return `<defs>${arrow}${clip}</defs>`;
}

function svgOpen(bounds: Bounds, role: "group" | "img"): string {
  const { minX, minY, width, height } = bounds;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="image-graph" role="${role}" aria-label="${LABEL}" width="${width}" height="${height}" viewBox="${minX} ${minY} ${width} ${height}">`;
}

function emptySvg(): string {
  const bounds = { minX: 0, minY: 0, width: NODE_WIDTH, height: NODE_HEIGHT };
  const text = `<text class="empty" x="${NODE_WIDTH / 2}" y="${NODE_HEIGHT / 2}" text-anchor="middle" dominant-baseline="middle">No images</text>`;
  return `${svgOpen(bounds, "img")}<title>${LABEL}: no images</title><style>${STYLE}</style>${text}</svg>`;
}

/** The graph as one `<svg>` string: edges (with arrowheads) under the nodes, top to bottom. */
export function drawGraph(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): string {
  const known = uniqueNodes(nodes);
  if (known.length === 0) return emptySvg();
  const layout = layOut(known, usableEdges(edges, new Set(known.map((n) => n.id))));
  return [
    svgOpen(layout.bounds, "group"),
    `<title>${LABEL}</title>`,
    `<style>${STYLE}</style>`,
    defs(),
    `<g class="edges">${layout.edges.map(renderEdge).join("")}</g>`,
    `<g class="nodes">${layout.nodes.map(renderNode).join("")}</g>`,
    "</svg>",
  ].join("");
}
