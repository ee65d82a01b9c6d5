import { Scalar, visit, type Document, type LineCounter } from "yaml";
import { interpolate, type Lookup } from "./interpolate.js";
import type { Position } from "./positions.js";

export interface PlacedVariableProblem {
  readonly position: Position;
  readonly variable?: string;
  readonly message: string;
}

/**
 * Interpolates ${VAR} in every string value of the document, in place, so each value keeps
 * its place in the file. Keys are left alone. A plain (unquoted) value that becomes a whole
 * number or true/false after interpolation takes that type (`replicas: ${N}`).
 */
export function interpolateDocument(doc: Document, source: string, lineCounter: LineCounter, lookup: Lookup): PlacedVariableProblem[] {
  const problems: PlacedVariableProblem[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "string" || !node.value.includes("$")) return;
      const result = interpolate(node.value, lookup);
      const start = node.range?.[0] ?? 0;
      const raw = source.slice(start, node.range?.[1] ?? start);
      let searchFrom = 0;
      for (const problem of result.problems) {
        const at = raw.indexOf(problem.expression, searchFrom);
        if (at >= 0) searchFrom = at + problem.expression.length;
        const position = lineCounter.linePos(start + Math.max(at, 0));
        problems.push({ position, message: problem.message, ...(problem.variable ? { variable: problem.variable } : {}) });
      }
      if (result.value !== node.value) node.value = retype(result.value, node.type);
    },
  });
  return problems;
}

function retype(value: string, type: Scalar["type"]): string | number | boolean {
  if (type !== Scalar.PLAIN) return value;
  if (/^(?:0|[1-9]\d{0,14})$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}
