import type { RegistryPool } from "../builder/registry-reader.js";
import { SlipwayError } from "../errors/index.js";
import { familiarName, normalizeReference } from "../reference/index.js";
import { createPoller } from "./poller.js";
import { rateLimitCooldownMs } from "./rate-limit-wait.js";
import type { Poller, PollerOptions } from "./types.js";
import { tagWatchKey } from "./watch-keys.js";

export interface TagPollerOptions extends Omit<PollerOptions, "name" | "key" | "check" | "cooldownMs"> {
  /** As written in slipway.yml: myorg/foo, registry.example.com/team/app, 127.0.0.1:5000/app. */
  readonly repository: string;
  readonly tag: string;
  /** The registry clients (src/builder/registry-reader.ts createRegistryPool). */
  readonly registries: Pick<RegistryPool, "client">;
}

/**
 * Watches the manifest digest of repository:tag with one HEAD per check: onChange gets the
 * previous and the new digest. When the registry says no requests are left in its window, the
 * next check waits for the window to reset. Key `tag:<repository>:<tag>`.
 */
export function tagPoller(options: TagPollerOptions): Poller {
  const { repository, tag, registries, ...rest } = options;
  const ref = normalizeReference(`${repository}:${tag}`);
  const shown = `${familiarName(ref)}:${tag}`;
  const client = registries.client(ref.domain);
  return createPoller({
    ...rest,
    name: `tag ${shown}`,
    key: tagWatchKey(repository, tag),
    cooldownMs: () => rateLimitCooldownMs(client.lastRateLimit),
    async check() {
      const digest = await client.manifestDigest(ref.path, tag);
      if (digest !== undefined) return digest;
      throw new SlipwayError("REGISTRY_NOT_FOUND", `${client.host} has no tag ${tag} of ${familiarName(ref)} (yet)`, {
        hint: "check the repository and tag of the watched image; the poller keeps checking, less often",
      });
    },
  });
}
