import { SlipwayError } from "../errors/index.js";

/**
 * Checks a branch name against git's rules (`git check-ref-format --branch`) and returns it.
 * A name that breaks them ends in GIT_BRANCH_INVALID saying which rule.
 */
export function validateBranch(name: string): string {
  const problem = branchProblem(name);
  if (problem === undefined) return name;
  throw new SlipwayError("GIT_BRANCH_INVALID", `"${printable(name)}" is not a valid git branch name: it ${problem}`, {
    hint: "fix `branch:` in the source; `git check-ref-format --branch <name>` checks a name",
  });
}

/** Which of git's branch-name rules a name breaks, or undefined when it is valid. */
export function branchProblem(name: string): string | undefined {
  if (name === "") return "is empty";
  if (name.startsWith("-")) return "starts with '-'";
  if (name === "HEAD" || name === "@") return `is "${name}", which git reserves`;
  const bad = [...name].find((char) => isForbidden(char));
  if (bad !== undefined) return `contains ${describeChar(bad)}`;
  if (name.includes("..")) return "contains '..'";
  if (name.includes("@{")) return "contains '@{'";
  if (name.startsWith("/") || name.endsWith("/")) return "starts or ends with '/'";
  if (name.includes("//")) return "contains '//'";
  if (name.endsWith(".")) return "ends with '.'";
  for (const part of name.split("/")) {
    if (part.startsWith(".")) return `has a part starting with '.' ("${part}")`;
    if (part.endsWith(".lock")) return `has a part ending in '.lock' ("${part}")`;
  }
  return undefined;
}

function isForbidden(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f || " ~^:?*[\\".includes(char);
}

function describeChar(char: string): string {
  const code = char.charCodeAt(0);
  if (char === " ") return "a space";
  if (code < 0x20 || code === 0x7f) return "a control character";
  return `'${char}'`;
}

function printable(name: string): string {
  return [...name].map((char) => (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f ? "?" : char)).join("");
}
