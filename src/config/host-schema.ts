import * as z from "zod";
import { namedSchema } from "./common-schemas.js";
import { dockerHostSchema, engineFields, engineTlsProblem } from "./engine-fields.js";

/** hosts.<name>: a Docker engine services are placed on, by its name or a role it has. */
export const hostSchema = z
  .strictObject({
    docker_host: dockerHostSchema.describe(
      "The host's Docker engine: ssh://user@host (through your ssh, which runs `docker system dial-stdio` there), tcp://host:2376 with TLS, or unix:///path/docker.sock.",
    ),
    ...engineFields,
    proxy: z
      .strictObject({
        container: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "expected a container name")
          .describe("The name of a Caddy container you run on the host, on the host's network, with `nc` on its PATH (the official caddy image has it)."),
        admin: z
          .string()
          .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, "expected host:port, e.g. 127.0.0.1:2019")
          .default("127.0.0.1:2019")
          .describe("Its admin API as the container sees it (default 127.0.0.1:2019, Caddy's own)."),
      })
      .optional()
      .describe(
        "Use a Caddy you run on this host instead of the one Slipway runs there (slipway-proxy). Slipway adds its routes through the engine (an exec of nc in that container), never starts or replaces it.",
      ),
    roles: z
      .array(namedSchema("a role"))
      .refine((roles) => new Set(roles).size === roles.length, "a role is listed twice")
      .default([])
      .describe("Roles of this host (web, worker, …): an environment's or service's hosts: may name a role for every host that has it."),
  })
  .superRefine((host, context) => {
    const tls = engineTlsProblem(host);
    if (tls !== undefined) context.addIssue({ code: "custom", path: ["docker_host"], message: tls });
  })
  .describe("A Docker engine that services are placed on (docs/hosts.md).");

export type HostConfig = z.output<typeof hostSchema>;

/** An environment's or a service's hosts:: host names or roles, in rollout order. */
export const hostSelectionSchema = z
  .array(namedSchema("a host name or role"))
  .min(1, "list at least one host name or role, or leave hosts: out")
  .refine((names) => new Set(names).size === names.length, "a host or role is listed twice");
