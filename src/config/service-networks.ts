import * as z from "zod";
import { formsError } from "./service-forms.js";

/** A network the service's containers join, with the extra names they answer to there. */
export interface ServiceNetwork {
  readonly name: string;
  readonly aliases: readonly string[];
}

const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const HOST_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export const hostNameSchema = z.string().regex(HOST_NAME, "expected a host name: letters, digits and -, in parts separated by dots");
const networkNameSchema = z.string().regex(NETWORK_NAME, "expected a network name: letters, digits, _ . -, starting with a letter or digit");

const attachmentSchema = z
  .strictObject({
    aliases: z.array(hostNameSchema).default([]).describe("Extra names other containers on this network reach the service by."),
  })
  .nullable()
  .describe("How the service joins this network: {aliases: [...]}.");

export const networksSchema = z
  .union([z.array(networkNameSchema), z.record(networkNameSchema, attachmentSchema)], {
    error: formsError("expected networks: a list of names, or a mapping name: {aliases: [...]}"),
  })
  .transform((value): ServiceNetwork[] =>
    Array.isArray(value)
      ? value.map((name) => ({ name, aliases: [] }))
      : Object.entries(value).map(([name, attachment]) => ({ name, aliases: attachment?.aliases ?? [] })),
  )
  .describe("Networks the containers join: a list of names, or name: {aliases: [...]}.");

const DEPENDENCY_HINT = "Slipway gates each service on its own health: section and does not wait on conditions";

export const dependsOnSchema = z
  .union(
    [
      z.array(z.string().min(1)),
      z.record(
        z.string().min(1),
        z.strictObject({
          condition: z
            .literal("service_started", { error: `only condition: service_started is supported: ${DEPENDENCY_HINT}; use the list form [a, b]` })
            .optional(),
        }),
      ),
    ],
    { error: formsError("expected depends_on: a list of service names") },
  )
  .transform((value) => (Array.isArray(value) ? value : Object.keys(value)))
  .describe(`Services this one needs, as a list of names (compose conditions are not supported: ${DEPENDENCY_HINT}).`);
