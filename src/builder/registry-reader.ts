import type { Config } from "../config/index.js";
import { SlipwayError } from "../errors/index.js";
import { normalizeReference } from "../reference/index.js";
import { createRegistryClient, type RegistryClient, type RegistryCredentials } from "../registry/index.js";
import type { RegistryReader } from "./ports.js";

export interface RegistryPool {
  /** The client for a registry host, created once. */
  client(host: string): RegistryClient;
  /** HTTP requests sent to all registries so far. */
  requests(): number;
}

/**
 * One registry client per host. The registry of slipway.yml gets its configured credentials
 * and `insecure` setting; other registries (external bases) use Docker's own credentials.
 */
export function createRegistryPool(configured?: { host: string; insecure: boolean; credentials?: RegistryCredentials }): RegistryPool {
  const clients = new Map<string, RegistryClient>();
  return {
    client(host) {
      let client = clients.get(host);
      if (client === undefined) {
        const own = configured !== undefined && configured.host === host;
        client = createRegistryClient({
          host,
          ...(own && configured.insecure ? { insecure: true } : {}),
          ...(own && configured.credentials !== undefined ? { credentials: configured.credentials } : {}),
        });
        clients.set(host, client);
      }
      return client;
    },
    requests() {
      let total = 0;
      for (const client of clients.values()) total += client.stats().requests;
      return total;
    },
  };
}

/** The planner's registry port: one manifest HEAD per reference, remembered for the run. */
export function createRegistryReader(pool: RegistryPool): RegistryReader {
  const known = new Map<string, Promise<string | undefined>>();
  return {
    digest(ref) {
      let answer = known.get(ref);
      if (answer === undefined) {
        const parsed = normalizeReference(ref);
        answer = pool.client(parsed.domain).manifestDigest(parsed.path, parsed.digest ?? parsed.tag ?? "latest");
        known.set(ref, answer);
      }
      return answer;
    },
  };
}

/** The credentials of slipway.yml's registry: section; a username without a password is refused. */
export function registryCredentials(config: Pick<Config, "registry">): RegistryCredentials | undefined {
  const registry = config.registry;
  if (registry?.username === undefined) return undefined;
  if (registry.password === undefined) {
    throw new SlipwayError("CONFIG_INVALID", "registry.username is set without registry.password", {
      hint: "add `password: ${REGISTRY_PASSWORD}` under registry: in slipway.yml, and set the variable",
    });
  }
  return { username: registry.username, password: registry.password };
}

/** The registry pool of a config: its registry with its credentials and `insecure`, others with Docker's. */
export function registryPoolFor(config: Pick<Config, "registry">): RegistryPool {
  const registry = config.registry;
  const credentials = registryCredentials(config);
  return createRegistryPool(
    registry === undefined ? undefined : { host: registry.host, insecure: registry.insecure, ...(credentials === undefined ? {} : { credentials }) },
  );
}
