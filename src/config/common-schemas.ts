import * as z from "zod";
import { imageReferenceProblem } from "../reference/index.js";
import { NAME_MAX_LENGTH, NAME_PATTERN, NAME_RULE } from "./names.js";

/** Schemas shared by several sections of slipway.yml. */

/** The name of a source, image, environment, service or job (a mapping key, or a reference to one). */
export const nameSchema = namedSchema("a name");

/** An environment named where environments are listed (a service's environments:). */
export const environmentNameSchema = namedSchema("an environment name");

export function namedSchema(what: string): z.ZodString {
  return z
    .string()
    .max(NAME_MAX_LENGTH, `expected ${what} of at most ${NAME_MAX_LENGTH} characters (a name becomes a DNS label, container names and labels)`)
    .regex(NAME_PATTERN, `expected ${what} of ${NAME_RULE}`);
}

/**
 * An image Slipway runs or builds on: a name of images: (app1-prod) or a reference Docker
 * accepts (busybox:1.36, ghcr.io/org/app@sha256:…), checked as deploy checks it (src/reference).
 */
export const imageReferenceSchema = z.string().superRefine((image, ctx) => {
  const problem = imageReferenceProblem(image);
  if (problem) ctx.addIssue({ code: "custom", message: `expected an image name or reference: ${problem.what} (${problem.hint})`, input: image });
});

/** A scalar written where text is meant: numbers and booleans become their text (`PORT: 8080`). */
export const textSchema = z.union([z.string(), z.number(), z.boolean()], { error: "expected a string, number or boolean" }).transform((value) => String(value));

/** Text keyed by text: build args, labels, environment variables. */
export const textMapSchema = z.record(z.string().min(1, "expected a non-empty key"), textSchema);

/** Environment variables: names of letters, digits and `_`, values as text. */
export const envSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "expected a variable name of letters, digits and `_`"), textSchema)
  .describe("Environment variables: NAME: value.");

const ARGV_HINT = "expected a list of arguments, e.g. [python, -u, app.py] (a command is never run through a shell)";

/** A command as an argv list: never a shell string. Numbers in the list become text. */
export const argvSchema = z
  .array(
    z.union([z.string(), z.number()], { error: "expected a string" }).transform((value) => String(value)),
    { error: ARGV_HINT },
  )
  .min(1, "expected at least the program to run");

/** A git branch name, checked against git's rules before it reaches any git command. */
export const branchSchema = z.string().refine(isBranchName, "expected a git branch name (no spaces, `..`, `~`, `^`, `:`, `?`, `*`, `[` or leading `-`)");

function isBranchName(name: string): boolean {
  if (name === "" || name.startsWith("-") || name.startsWith("/") || name.endsWith("/") || name.endsWith(".lock")) return false;
  if (name.includes("..") || name.includes("//") || name.includes("@{")) return false;
  for (const char of name) {
    const code = char.charCodeAt(0);
    if (code <= 0x20 || code === 0x7f || "~^:?*[\\".includes(char)) return false;
  }
  return true;
}
