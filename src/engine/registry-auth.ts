import type { Secret } from "../util/secret.js";
import { serverAddress } from "./image-ref.js";

export interface RegistryCredentials {
  readonly username: string;
  readonly password: Secret;
}

/**
 * The X-Registry-Auth header value for a registry. Always sent (an empty object without
 * credentials: engines reject a push with no header at all). The password is revealed only
 * into this value. URL-safe base64 *with* padding: Engine 20.10 decodes it padded and
 * silently ignores a header it cannot decode, which then looks like missing credentials.
 */
export function registryAuthHeader(registry: string, credentials: RegistryCredentials | undefined): string {
  const auth =
    credentials === undefined ? {} : { username: credentials.username, password: credentials.password.reveal(), serveraddress: serverAddress(registry) };
  return Buffer.from(JSON.stringify(auth)).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}
