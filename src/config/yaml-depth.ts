import { CST, Lexer } from "yaml";

interface Open {
  readonly col: number;
  readonly kind: "map" | "seq";
}

/**
 * The offset of the first mapping or list nested deeper than `limit` levels, or undefined.
 * Read from the YAML lexer's tokens, without building the document (the yaml library composes
 * recursively: 100 000 nested brackets would overflow the stack), and it stops at the first
 * level too deep, so a huge file costs no more than its first `limit` levels. Flow collections
 * (`[`, `{`) count by their brackets; block ones by the columns of their items.
 */
export function nestingBeyond(text: string, limit: number): number | undefined {
  const block: Open[] = [];
  let flow = 0;
  let offset = 0;
  let lineStart = 0;
  let atScalar = false;
  // The column where the node now being read began (a key, before its `:`), in block context.
  let nodeStart: number | undefined;
  const tooDeep = (): boolean => block.length + flow > limit;
  const open = (col: number, kind: Open["kind"]): boolean => {
    while ((block.at(-1)?.col ?? -1) > col) block.pop();
    const top = block.at(-1);
    if (top?.col === col && top.kind !== kind && !(kind === "seq" && top.kind === "map")) block.pop();
    const sibling = block.at(-1);
    if (sibling?.col === col && sibling.kind === kind) return false;
    block.push({ col, kind });
    return tooDeep();
  };

  for (const source of new Lexer().lex(text)) {
    const type = atScalar ? "scalar-text" : CST.tokenType(source);
    atScalar = false;
    if (type === "scalar") {
      atScalar = true; // a marker: the scalar's text is the next token
      continue;
    }
    if (type === "doc-mode" || type === "flow-error-end") continue; // markers, not in the text
    const col = offset - lineStart;
    if (flow === 0) {
      switch (type) {
        case "seq-item-ind":
          if (open(col, "seq")) return offset;
          nodeStart = undefined;
          break;
        case "explicit-key-ind":
          if (open(col, "map")) return offset;
          nodeStart = undefined;
          break;
        case "map-value-ind":
          if (open(nodeStart ?? col, "map")) return offset;
          nodeStart = undefined;
          break;
        case "newline":
          nodeStart = undefined;
          break;
        case "doc-start":
          block.length = 0;
          nodeStart = undefined;
          break;
        case "scalar-text":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "alias":
        case "anchor":
        case "tag":
        case "flow-map-start":
        case "flow-seq-start":
          nodeStart ??= col;
          break;
        default:
          break;
      }
    }
    if (type === "flow-map-start" || type === "flow-seq-start") {
      flow += 1;
      if (tooDeep()) return offset;
    } else if (type === "flow-map-end" || type === "flow-seq-end") {
      flow = Math.max(0, flow - 1);
    }
    offset += source.length;
    const newline = source.lastIndexOf("\n");
    if (newline !== -1) lineStart = offset - source.length + newline + 1;
  }
  return undefined;
}
