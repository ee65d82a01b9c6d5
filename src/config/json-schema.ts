import * as z from "zod";
import { configSchema } from "./config-schema.js";

export type JsonSchema = Record<string, unknown>;

/** The JSON Schema of slipway.yml as a person writes it (before defaults and parsing), for editors. */
export function configJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(configSchema, { io: "input", target: "draft-2020-12", unrepresentable: "any" });
  return { ...schema, $id: "https://slipway.dev/schema/slipway.schema.json", title: "slipway.yml" };
}
