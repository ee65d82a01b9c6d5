import type { z } from "zod";

/**
 * Compose lets most keys be written in a short form (a string) or a long form (a mapping).
 * A zod union that fails reports only "invalid input"; this error function instead reports
 * what went wrong in the form the user wrote: the one whose type matched.
 */
export function formsError(fallback: string): (issue: z.core.$ZodRawIssue) => string {
  return (issue) => {
    if (issue.code !== "invalid_union") return fallback;
    const matched = issue.errors.find((branch) => !isTypeMismatch(branch));
    if (!matched) return fallback;
    return matched.map(describeIssue).join("; ");
  };
}

function isTypeMismatch(issues: readonly z.core.$ZodIssue[]): boolean {
  if (issues.length !== 1) return false;
  const [only] = issues;
  if (!only || only.path.length > 0) return false;
  if (only.code === "invalid_type") return true;
  return only.code === "invalid_union" && only.errors.every(isTypeMismatch);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
  return `${where}${issue.message}`;
}
