/**
 * What a Dockerfile's FROM lines need from build args, read from its text alone: the ARGs
 * declared before the first FROM (the only ones a FROM can use), each FROM's image and the
 * variables it references. Pure: no files, no engine.
 */

export interface LeadingArg {
  readonly name: string;
  /** 1-based line of the ARG instruction. */
  readonly line: number;
  /** `ARG X=value`: the value used when the build does not set X. */
  readonly default?: string;
}

export interface FromLine {
  readonly line: number;
  /** The image as written, e.g. `${PARENT_IMAGE}` or `busybox:1.36`. */
  readonly image: string;
  /** Variables the image references: `$X`, `${X}`, `${X:-word}`, `${X:+word}`. */
  readonly variables: readonly FromVariable[];
}

export interface FromVariable {
  readonly name: string;
  /** `${X:-word}` gives the image a value when X is unset (`${X:+word}` does not). */
  readonly hasFallback: boolean;
}

export interface DockerfileFroms {
  readonly leadingArgs: ReadonlyMap<string, LeadingArg>;
  readonly froms: readonly FromLine[];
}

/** An ARG a FROM needs that the build will not have: what `slipway validate` and `plan` warn about. */
export interface UnsetFromArg {
  readonly line: number;
  readonly arg: string;
  readonly image: string;
  /** False when no ARG before the first FROM declares it (then even a build arg cannot reach the FROM). */
  readonly declared: boolean;
}

interface Instruction {
  readonly line: number;
  readonly keyword: string;
  readonly rest: string;
}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const WHOLE_VARIABLE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

export function parseFroms(text: string): DockerfileFroms {
  const leadingArgs = new Map<string, LeadingArg>();
  const froms: FromLine[] = [];
  for (const instruction of instructions(text)) {
    if (instruction.keyword === "ARG" && froms.length === 0) {
      for (const arg of argDeclarations(instruction)) leadingArgs.set(arg.name, arg);
    }
    if (instruction.keyword === "FROM") {
      const image = fromImage(instruction.rest);
      if (image !== undefined) froms.push({ line: instruction.line, image, variables: variablesOf(image) });
    }
  }
  return { leadingArgs, froms };
}

/**
 * The build arg the first FROM takes its whole image from (`FROM ${PARENT_IMAGE}` or
 * `FROM $PARENT_IMAGE` after `ARG PARENT_IMAGE`): where the parent image goes. Undefined when
 * the first FROM names an image, or a variable no leading ARG declares.
 */
export function parentArgOf(text: string): string | undefined {
  const { leadingArgs, froms } = parseFroms(text);
  const first = froms[0];
  if (first === undefined) return undefined;
  const match = WHOLE_VARIABLE.exec(first.image);
  const name = match?.[1] ?? match?.[2];
  return name !== undefined && leadingArgs.has(name) ? name : undefined;
}

/**
 * Each variable of a FROM that the build leaves empty: not among `setArgs`, declared by no
 * leading ARG with a default, and with no `${X:-word}` fallback.
 */
export function unsetFromArgs(text: string, setArgs: ReadonlySet<string>): UnsetFromArg[] {
  const { leadingArgs, froms } = parseFroms(text);
  const unset: UnsetFromArg[] = [];
  for (const from of froms) {
    for (const variable of from.variables) {
      const declared = leadingArgs.get(variable.name);
      if (variable.hasFallback || (declared?.default !== undefined && declared.default !== "")) continue;
      if (declared !== undefined && setArgs.has(variable.name)) continue;
      if (unset.some((u) => u.line === from.line && u.arg === variable.name)) continue;
      unset.push({ line: from.line, arg: variable.name, image: from.image, declared: declared !== undefined });
    }
  }
  return unset;
}

/** The instructions with their first line, continuation lines joined, comments and blank lines dropped. */
function instructions(text: string): Instruction[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const escape = escapeCharacter(lines);
  const result: Instruction[] = [];
  let start = 0;
  let buffer: string[] = [];
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim();
    if (buffer.length === 0 && (trimmed === "" || trimmed.startsWith("#"))) continue;
    if (buffer.length > 0 && trimmed.startsWith("#")) continue; // comments inside a continued instruction
    if (buffer.length === 0) start = index + 1;
    const continued = trimmed.endsWith(escape);
    buffer.push(continued ? trimmed.slice(0, -1) : trimmed);
    if (continued) continue;
    const joined = buffer.join(" ").trim();
    buffer = [];
    const match = /^(\S+)\s*(.*)$/s.exec(joined);
    if (match) result.push({ line: start, keyword: (match[1] ?? "").toUpperCase(), rest: match[2] ?? "" });
  }
  return result;
}

/** `# escape=`` ` parser directive (only at the very top), else backslash. */
function escapeCharacter(lines: readonly string[]): string {
  for (const line of lines) {
    const directive = /^#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(line.trim());
    if (!directive) return "\\";
    if ((directive[1] ?? "").toLowerCase() === "escape") return directive[2] === "`" ? "`" : "\\";
  }
  return "\\";
}

function argDeclarations(instruction: Instruction): LeadingArg[] {
  return instruction.rest
    .split(/\s+/)
    .filter((word) => word !== "")
    .flatMap((word): LeadingArg[] => {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(word);
      if (!match) return [];
      const name = match[1] ?? "";
      return [{ name, line: instruction.line, ...(match[2] === undefined ? {} : { default: unquote(match[2]) }) }];
    });
}

/** `FROM [--platform=...] image [AS name]` -> image. */
function fromImage(rest: string): string | undefined {
  return rest.split(/\s+/).find((word) => word !== "" && !word.startsWith("--"));
}

function variablesOf(image: string): FromVariable[] {
  return [...image.matchAll(VARIABLE)].map((m) => ({ name: m[1] ?? m[3] ?? "", hasFallback: m[2] === "-" }));
}

function unquote(value: string): string {
  return /^"(.*)"$|^'(.*)'$/s.test(value) ? value.slice(1, -1) : value;
}
