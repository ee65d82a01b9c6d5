import * as z from "zod";
import { dockerHostProblem } from "../reference/index.js";

/** How slipway.yml names a Docker engine: an environment's own, or a host's of hosts:. */

export const dockerHostSchema = z.string().superRefine((host, context) => {
  const problem = host.trim() === "" ? "it is empty" : dockerHostProblem(host);
  if (problem !== undefined) context.addIssue({ code: "custom", message: `${problem} (expected unix:///path, tcp://host:port or ssh://user@host)` });
});

/** The fields beside docker_host: TLS for a tcp:// engine, and the address replicas are reached at. */
export const engineFields = {
  docker_tls_verify: z
    .boolean()
    .optional()
    .describe("Talk TLS to a tcp:// docker_host and verify its certificate, as DOCKER_TLS_VERIFY=1 does (the default port becomes 2376)."),
  docker_cert_path: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The directory with ca.pem, cert.pem and key.pem for a TLS docker_host, as DOCKER_CERT_PATH (relative to this file's directory); implies docker_tls_verify. Default: DOCKER_CERT_PATH or ~/.docker.",
    ),
  address: z
    .string()
    .regex(/^[A-Za-z0-9.:_-]+$/, "expected a host name or IP address, without a port or scheme")
    .optional()
    .describe(
      "Where the host's proxy and Slipway's health checks reach the replicas, whose published ports bind on it when it is an IP. Default: the docker_host's host (127.0.0.1 for a socket).",
    ),
};

/** TLS settings name a tcp:// engine only. */
export function engineTlsProblem(engine: {
  docker_host?: string | undefined;
  docker_tls_verify?: boolean | undefined;
  docker_cert_path?: string | undefined;
}): string | undefined {
  const tls = engine.docker_tls_verify === true || engine.docker_cert_path !== undefined;
  if (tls && engine.docker_host !== undefined && !engine.docker_host.startsWith("tcp://"))
    return "TLS (docker_tls_verify, docker_cert_path) applies to a tcp:// docker_host only";
  return undefined;
}
