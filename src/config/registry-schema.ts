import * as z from "zod";
import { Secret } from "../util/secret.js";
import { REGISTRY_ADDRESS } from "./names.js";

/** registry: where images are pushed, as host[:port][/namespace] or a mapping with credentials. */
export interface RegistryConfig {
  /** host[:port][/namespace], without a scheme: the prefix of every repository. */
  readonly address: string;
  readonly host: string;
  readonly namespace?: string;
  readonly username?: string;
  readonly password?: Secret;
  /** Plain HTTP (or unverified TLS): set by `insecure: true` or an http:// URL. */
  readonly insecure: boolean;
}

const addressSchema = z
  .string()
  .regex(REGISTRY_ADDRESS, "expected a registry as host[:port][/namespace], e.g. localhost:5000/my-org")
  .describe("The registry and namespace images are pushed to: host[:port][/namespace].");

const registryObjectSchema = z
  .strictObject({
    url: addressSchema,
    username: z.string().min(1).optional().describe("The user to log in as. Default: Docker's own credentials (docker login)."),
    password: z.string().optional().describe("The password or token; write it as ${VARIABLE}, never in clear."),
    insecure: z.boolean().optional().describe("Talk plain HTTP to this registry. Default: false (http:// in url also sets it)."),
  })
  .describe("A registry with credentials.");

export const registrySchema = z
  .union([addressSchema, registryObjectSchema], { error: "expected a registry address (host[:port][/namespace]) or a mapping with url" })
  .transform((value): RegistryConfig => (typeof value === "string" ? fromAddress(value, {}) : fromAddress(value.url, value)))
  .describe("Where images are pushed: host[:port][/namespace], or { url, username, password, insecure }.");

function fromAddress(url: string, options: { username?: string; password?: string; insecure?: boolean }): RegistryConfig {
  const plainHttp = url.startsWith("http://");
  const address = url.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  const slash = address.indexOf("/");
  const host = slash < 0 ? address : address.slice(0, slash);
  const namespace = slash < 0 ? undefined : address.slice(slash + 1);
  return {
    address,
    host,
    ...(namespace ? { namespace } : {}),
    ...(options.username ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: new Secret(options.password) } : {}),
    insecure: options.insecure ?? plainHttp,
  };
}
