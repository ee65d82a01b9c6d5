import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

/** A place in the config file, 1-based as editors count. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** Where a problem points: the key itself (unknown keys), its value, or the mapping that lacks it. */
export type Anchor = "key" | "value" | "parent";

export type ConfigPath = readonly (string | number)[];

/**
 * The position of a config path in the document: the deepest node the path reaches, so a
 * path into something the file does not spell out (a default, a merged compose service)
 * still points at the closest thing that is written.
 */
export function positionOf(doc: Document, lineCounter: LineCounter, path: ConfigPath, anchor: Anchor): Position {
  const target = anchor === "parent" ? path.slice(0, -1) : path;
  const found = walk(doc, target);
  const node = anchor !== "value" || !hasExtent(found.value) ? (found.key ?? found.value) : found.value;
  const offset = node?.range?.[0] ?? 0;
  return lineCounter.linePos(offset);
}

interface Found {
  readonly key?: Node;
  readonly value?: Node;
}

function walk(doc: Document, path: ConfigPath): Found {
  let found: Found = { value: doc.contents ?? undefined };
  for (const segment of path) {
    const node = resolve(doc, found.value);
    const next = step(node, segment);
    if (!next) return found;
    found = next;
  }
  return found;
}

function step(node: Node | undefined, segment: string | number): Found | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
    if (!pair) return undefined;
    return { key: isNode(pair.key) ? pair.key : undefined, value: isNode(pair.value) ? pair.value : undefined };
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    return isNode(item) ? { value: item } : undefined;
  }
  return undefined;
}

function resolve(doc: Document, node: Node | undefined): Node | undefined {
  if (!isAlias(node)) return node;
  const target = node.resolve(doc);
  return target ?? node;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === "string" || typeof key === "number" ? String(key) : undefined;
}

function isNode(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}

/** An empty value (`key:` with nothing after it) has no place of its own: point at the key. */
function hasExtent(node: Node | undefined): boolean {
  if (!node?.range) return false;
  return node.range[1] > node.range[0];
}
