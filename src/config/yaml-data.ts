import { LineCounter, parseDocument, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from "yaml";
import { SlipwayError } from "../errors/index.js";
import { syntaxError } from "./config-errors.js";
import { nestingBeyond } from "./yaml-depth.js";

/** Mappings and lists nested deeper than this are refused before the file is composed. */
export const MAX_NESTING = 64;

const NESTING_HINT = `Slipway reads at most ${MAX_NESTING} levels, and a config needs a handful: look for brackets that are never closed, or a generated value nested by mistake`;

/**
 * Parses a YAML (or JSON) file's text into a document with positions. Nesting deeper than
 * MAX_NESTING is CONFIG_SYNTAX saying so (found before the document is built: the yaml library
 * composes recursively and would overflow its stack); malformed YAML is CONFIG_SYNTAX with
 * the line and column of each problem.
 */
export function parseYaml(
  text: string,
  file: string,
  options: ParseOptions & DocumentOptions & SchemaOptions,
): { document: Document; lineCounter: LineCounter } {
  const deep = nestingBeyond(text, MAX_NESTING);
  if (deep !== undefined) {
    const line = lineOf(text, deep);
    throw new SlipwayError("CONFIG_SYNTAX", `${file}:${line.line}:${line.col}: nested too deep: more than ${MAX_NESTING} levels of mappings and lists`, {
      hint: NESTING_HINT,
    });
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { ...options, lineCounter, prettyErrors: false });
  if (document.errors.length > 0) throw syntaxError(file, text, document.errors, lineCounter);
  return { document, lineCounter };
}

/** The plain data of a parsed YAML document; too many aliases (a "billion laughs") is a syntax error. */
export function yamlData(document: Document, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SlipwayError("CONFIG_SYNTAX", `${file}: ${reason}`, { hint: "check the anchors (&name) and aliases (*name) of the file", cause: error });
  }
}

function lineOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) {
    line += 1;
    start = at + 1;
  }
  return { line, col: offset - start + 1 };
}
