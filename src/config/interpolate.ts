/**
 * ${VAR} interpolation in one string: ${VAR}, ${VAR:-default} (unset or empty), ${VAR-default}
 * (unset), ${VAR:?message} / ${VAR?message} (an error when unset), and $${ for a literal ${.
 * Defaults may themselves hold ${...}. Pure: variables come from `lookup`.
 */
export interface VariableProblem {
  /** Index in the text of the `${` that failed. */
  readonly offset: number;
  /** The whole expression as written, e.g. ${REGISTRY}. */
  readonly expression: string;
  readonly variable?: string;
  readonly message: string;
}

export interface Interpolated {
  readonly value: string;
  readonly problems: readonly VariableProblem[];
}

export type Lookup = (name: string) => string | undefined;

const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?)([\s\S]*))?$/;

export function interpolate(text: string, lookup: Lookup): Interpolated {
  const problems: VariableProblem[] = [];
  let value = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      value += "${";
      i += 3;
      continue;
    }
    if (!text.startsWith("${", i)) {
      value += text[i];
      i += 1;
      continue;
    }
    const close = matchingBrace(text, i + 2);
    if (close < 0) {
      problems.push({ offset: i, expression: text.slice(i), message: `unterminated ${text.slice(i)}: a \${ needs its closing }` });
      break;
    }
    const result = expand(text.slice(i + 2, close), lookup);
    for (const problem of result.problems) problems.push({ ...problem, offset: i + problem.offset });
    value += result.value;
    i = close + 1;
  }
  return { value, problems };
}

/** Expands the body of one ${...}; problem offsets count from its `${`. */
function expand(inner: string, lookup: Lookup): Interpolated {
  const match = EXPRESSION.exec(inner);
  const expression = `\${${inner}}`;
  if (!match) {
    return {
      value: "",
      problems: [{ offset: 0, expression, message: `${expression} is not a variable: write \${NAME}, \${NAME:-default}, or $\${ for a literal \${` }],
    };
  }
  const [, name = "", operator, rest = ""] = match;
  const set = lookup(name);
  if (operator === undefined) {
    if (set !== undefined) return { value: set, problems: [] };
    return { value: "", problems: [{ offset: 0, expression, variable: name, message: `variable ${name} is not set and has no default` }] };
  }
  const missing = operator.startsWith(":") ? set === undefined || set === "" : set === undefined;
  if (!missing) return { value: set ?? "", problems: [] };
  if (operator.endsWith("?")) {
    const why = rest === "" ? "is not set" : rest;
    return { value: "", problems: [{ offset: 0, expression, variable: name, message: `variable ${name}: ${why}` }] };
  }
  const fallback = interpolate(rest, lookup);
  const shift = 2 + name.length + operator.length;
  return { value: fallback.value, problems: fallback.problems.map((problem) => ({ ...problem, offset: problem.offset + shift })) };
}

/** The index of the } closing a ${ whose body starts at `from`, counting nested ${...}. */
function matchingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i += 1) {
    if (text.startsWith("${", i)) {
      depth += 1;
      i += 1;
    } else if (text[i] === "}") {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return -1;
}
