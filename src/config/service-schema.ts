import * as z from "zod";
import { serviceFieldsSchema } from "./service-fields.js";
import { normalizeService } from "./service-normalize.js";
import { EXTENSION_KEY } from "./compose-extension.js";
import type { ServiceConfig } from "./service-config.js";

export type { ServiceConfig } from "./service-config.js";

/**
 * Compose's extension keys (x-anything) are the user's own: Slipway ignores them, as compose
 * does; all but x-slipway, which holds Slipway's keys in a compose file (compose-extension.ts)
 * and is refused anywhere else rather than ignored.
 */
function withoutExtensions(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith("x-") || key === EXTENSION_KEY));
}

/**
 * One service, written as in a compose file (snake_case keys, short and long forms) plus
 * Slipway's own environments:, health: and update:. The output is the normalized ServiceConfig.
 */
export const serviceSchema = z
  .preprocess(
    withoutExtensions,
    serviceFieldsSchema.transform((fields, ctx): ServiceConfig => {
      const { config, issues } = normalizeService(fields);
      for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: [...issue.path], input: fields });
      return config;
    }),
  )
  .describe("A service: what runs, from which image, with which ports, volumes, environment, health gate and update strategy.");

/** What a user writes for a service (before normalization). */
export type ServiceInput = z.input<typeof serviceFieldsSchema>;
