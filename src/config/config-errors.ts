import type { Document, LineCounter, YAMLError } from "yaml";
import { SlipwayError } from "../errors/index.js";
import type { PlacedVariableProblem } from "./interpolate-document.js";
import { shortened, type ConfigProblem } from "./issues.js";
import { positionOf } from "./positions.js";

/** The errors a config file can raise, each with file:line:col on every line. */

export const SCHEMA_HINT = "see docs/config.md for every key, or run `slipway schema` for the JSON Schema your editor can use";

export function syntaxError(file: string, source: string, errors: readonly YAMLError[], lineCounter: LineCounter): SlipwayError {
  const [first, ...rest] = errors;
  const describe = (error: YAMLError): string => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return `${file}:${line}:${col}: ${firstLine(error.message)}`;
  };
  if (!first) return new SlipwayError("CONFIG_SYNTAX", `${file} is not valid YAML`);
  const { line, col } = lineCounter.linePos(first.pos[0]);
  const text = source.split(/\r?\n/)[line - 1] ?? "";
  return new SlipwayError("CONFIG_SYNTAX", describe(first), {
    details: [text, `${" ".repeat(Math.max(col - 1, 0))}^`, ...rest.map(describe)],
    hint: "fix the YAML at that line (indentation with spaces, a `:` after each key, closed quotes and brackets)",
  });
}

export function variableError(file: string, problems: readonly PlacedVariableProblem[], envFile: string): SlipwayError {
  const lines = problems.map((problem) => `${file}:${problem.position.line}:${problem.position.col}: ${problem.message}`);
  const names = [...new Set(problems.flatMap((problem) => (problem.variable ? [problem.variable] : [])))];
  const example = names[0] ?? "NAME";
  return new SlipwayError("CONFIG_VARIABLE", lines[0] ?? `${file}: a variable is not set`, {
    details: lines.length > 1 ? lines : [],
    hint: `set ${names.length > 1 ? "them" : "it"} in the environment or in ${envFile}, or give a default: \${${example}:-value}`,
  });
}

export function invalidError(file: string, problems: readonly ConfigProblem[], doc: Document, lineCounter: LineCounter): SlipwayError {
  const lines = placedLines(file, problems, doc, lineCounter);
  const count = lines.length === 1 ? "1 problem" : `${lines.length} problems`;
  return new SlipwayError("CONFIG_INVALID", `${file} has ${count}`, { details: lines, hint: SCHEMA_HINT });
}

/** Problems (or warnings) as lines "file:line:col: path: message", in the file's order, each once. */
export function placedLines(file: string, problems: readonly ConfigProblem[], doc: Document, lineCounter: LineCounter): string[] {
  const placed = problems.map((problem) => ({ problem, position: positionOf(doc, lineCounter, problem.path, problem.anchor) }));
  placed.sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col);
  return [...new Set(placed.map(({ problem, position }) => `${file}:${position.line}:${position.col}: ${dotted(problem.path)}: ${problem.message}`))];
}

/** ["images", "app1", "tests", 0, "command"] -> images.app1.tests[0].command (a very long key cut short) */
export function dotted(path: readonly (string | number)[]): string {
  let text = "";
  for (const segment of path) text += typeof segment === "number" ? `[${segment}]` : text === "" ? shortened(segment) : `.${shortened(segment)}`;
  return text === "" ? "(top level)" : text;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}
