import type { z } from "zod";
import { SlipwayError } from "../errors/index.js";

/**
 * `value` parsed by `schema`, or API_BAD_REQUEST (400) naming every problem with its path,
 * e.g. "body.service: expected a string". `where` is "body" or "query".
 */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query" | "params", route: string): z.output<S> {
  const result = schema.safeParse(value ?? (where === "body" ? undefined : {}));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${[where, ...issue.path.map(String)].join(".")}: ${issue.message}`);
  throw new SlipwayError("API_BAD_REQUEST", `${route}: ${problems.join("; ")}`, {
    details: problems,
    hint: "docs/api.md shows each route's body and query",
  });
}
