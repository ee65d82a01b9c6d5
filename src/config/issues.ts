import * as z from "zod";
import { suggestion } from "./did-you-mean.js";
import type { Anchor, ConfigPath } from "./positions.js";

/** One thing wrong with the config, at a path, before it is given a line and column. */
export interface ConfigProblem {
  readonly path: ConfigPath;
  readonly anchor: Anchor;
  readonly message: string;
}

/** The keys each strict mapping accepts, by the parsed object they were checked on. */
export type KnownKeys = WeakMap<object, Set<string>>;

/**
 * The messages Slipway gives for zod's issues ("expected a string, got a list"), and a note
 * of each strict mapping's keys so an unknown key can be matched to the one meant.
 * Messages a schema sets itself take precedence.
 */
export function configErrorMap(known: KnownKeys): z.core.$ZodErrorMap {
  return (issue) => {
    switch (issue.code) {
      case "invalid_type":
        return `expected ${article(issue.expected)}, got ${describe(issue.input)}`;
      case "invalid_value":
        return expectedValues(issue.values, issue.input);
      case "too_small":
        return tooSmall(issue.origin, Number(issue.minimum));
      case "too_big":
        return tooBig(issue.origin, Number(issue.maximum));
      case "invalid_format":
        return issue.pattern ? `expected text matching ${issue.pattern}` : `expected ${issue.format}`;
      case "unrecognized_keys":
        noteKeys(known, issue.input, issue.inst);
        return undefined;
      default:
        return undefined;
    }
  };
}

/** Turns zod's issues into problems: one per unknown key, the likeliest branch of a union. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], known: KnownKeys, base: ConfigPath = []): ConfigProblem[] {
  return issues.flatMap((issue) => problemsFromIssue(issue, known, base));
}

function problemsFromIssue(issue: z.core.$ZodIssue, known: KnownKeys, base: ConfigPath): ConfigProblem[] {
  const path = [...base, ...issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment)))];
  const last = String(path[path.length - 1] ?? "");
  switch (issue.code) {
    case "unrecognized_keys": {
      const accepted = isObject(issue.input) ? (known.get(issue.input) ?? []) : [];
      return issue.keys.map((key) => ({ path: [...path, key], anchor: "key", message: `unknown key "${key}"${suggestion(key, accepted)}` }));
    }
    case "invalid_key":
      return [{ path, anchor: "key", message: `invalid name "${shortened(last)}": ${issue.issues[0]?.message ?? "not allowed here"}` }];
    case "invalid_union": {
      const branch = likeliestBranch(issue.errors);
      return branch ? problemsFromIssues(branch, known, path) : [{ path, anchor: "value", message: issue.message }];
    }
    case "invalid_type":
      if (issue.input === undefined && path.length > 0) return [{ path, anchor: "parent", message: `missing required key "${last}"` }];
      return [{ path, anchor: "value", message: issue.message }];
    default:
      return [{ path, anchor: "value", message: issue.message }];
  }
}

/**
 * The union member the user most likely meant: one whose type matched (a mapping for a
 * mapping), with the fewest problems. None when no member's type matched.
 */
function likeliestBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  const matching = branches.filter((issues) => !issues.some((issue) => issue.path.length === 0 && issue.code === "invalid_type"));
  let best: readonly z.core.$ZodIssue[] | undefined;
  for (const issues of matching) if (!best || issues.length < best.length) best = issues;
  return best;
}

const SHOWN_NAME_MAX = 60;

/** A name as a message shows it: cut short when it is too long to read (a 10 000-character key). */
export function shortened(text: string): string {
  return text.length <= SHOWN_NAME_MAX ? text : `${text.slice(0, 40)}… (${text.length} characters)`;
}

function noteKeys(known: KnownKeys, input: unknown, inst: unknown): void {
  if (!isObject(input) || !(inst instanceof z.ZodObject)) return;
  const keys = known.get(input) ?? new Set<string>();
  for (const key of Object.keys(inst.shape)) keys.add(key);
  known.set(input, keys);
}

function expectedValues(values: readonly unknown[], input: unknown): string {
  const texts = values.map((value) => String(value));
  const got = typeof input === "string" ? `"${input.length > 40 ? `${input.slice(0, 40)}…` : input}"` : describe(input);
  if (texts.length === 1) return `expected ${texts[0]}, got ${got}`;
  const hint = typeof input === "string" ? suggestion(input, texts) : "";
  return `expected one of ${texts.join(", ")}, got ${got}${hint}`;
}

function tooSmall(origin: string, minimum: number): string {
  if (origin === "string") return minimum <= 1 ? "expected a non-empty string" : `expected at least ${minimum} characters`;
  if (origin === "array" || origin === "set") return minimum === 1 ? "expected at least one item" : `expected at least ${minimum} items`;
  return `expected ${minimum} or more`;
}

function tooBig(origin: string, maximum: number): string {
  if (origin === "string") return `expected at most ${maximum} characters`;
  if (origin === "array" || origin === "set") return `expected at most ${maximum} items`;
  return `expected ${maximum} or less`;
}

const articles: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  tuple: "a list",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  null: "nothing",
};

function article(expected: string): string {
  return articles[expected] ?? expected;
}

/** What was written, in words; strings are shown (shortened) only as "text" to keep values out of messages. */
export function describe(input: unknown): string {
  if (input === undefined || input === null) return "nothing";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "string") return "a string";
  if (typeof input === "number") return Number.isInteger(input) ? `the number ${input}` : "a number";
  if (typeof input === "boolean") return `${input}`;
  return typeof input;
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}
