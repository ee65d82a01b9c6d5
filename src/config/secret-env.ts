import * as z from "zod";
import { textSchema } from "./common-schemas.js";

/**
 * Marking a variable secret in slipway.yml: besides `NAME: value`, a variable may be written
 * `NAME: { value: …, secret: true }`. A secret variable's value is redacted from logs, job
 * output, API answers and messages (the rule and the names it already covers: src/util/secret-rule.ts).
 */
export const markedValueSchema = z
  .strictObject({
    value: textSchema.describe("The variable's value."),
    secret: z
      .boolean()
      .default(false)
      .describe("true: the value is secret (redacted from logs, output and messages). Names like …PASSWORD or …TOKEN are secret without it."),
  })
  .describe("A variable written long: its value, and whether it is secret.");

export type MarkedValue = z.output<typeof markedValueSchema>;

/** Variables with the names marked secret, as the schema's transforms hand them on. */
export interface MarkedEnv {
  readonly values: Record<string, string>;
  readonly secret: string[];
}

/** Splits `NAME: value | { value, secret }` into the values and the names marked secret. */
export function splitMarked(map: Readonly<Record<string, string | MarkedValue>>): MarkedEnv {
  const values: Record<string, string> = {};
  const secret: string[] = [];
  for (const [name, entry] of Object.entries(map)) {
    if (typeof entry === "string") {
      values[name] = entry;
      continue;
    }
    values[name] = entry.value;
    if (entry.secret) secret.push(name);
  }
  return { values, secret };
}

/** Variables by name: `NAME: value`, or `NAME: { value, secret: true }` for a secret one. */
export function markedEnvSchema(key: z.ZodType<string>) {
  return z.record(key, z.union([textSchema, markedValueSchema], { error: "expected a value (text), or { value, secret }" })).transform(splitMarked);
}
