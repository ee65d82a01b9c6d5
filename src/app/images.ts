import { openBuildSession } from "../builder/session.js";
import { chooseEnvironment } from "../deploy/index.js";
import { environmentLookup, newestFor } from "../images/index.js";
import { normalizeReference } from "../reference/index.js";
import type { AppContext } from "./context.js";

/** `slipway images latest --json`, GET /api/v1/images/:name/latest. */
export interface LatestImage {
  image: string;
  repository: string;
  tag: string;
  reference: string;
  digest?: string;
}

/**
 * The newest tag of an image of slipway.yml (or of a repository) in its registry, by its tag
 * scheme; with an environment, that environment's newest build (its environment tag).
 */
export async function latestImage(context: AppContext, name: string, environment?: string): Promise<LatestImage> {
  const { config, dir } = context.loaded;
  const session = openBuildSession({ config, configDir: dir, stateDir: context.stateDir, store: context.store });
  const target = session.targets.get(name);
  const repository = target?.repository ?? name;
  const scheme = target?.tagScheme ?? "timestamp";
  const client = session.registries.client(normalizeReference(repository).domain);
  if (environment !== undefined) chooseEnvironment(config, environment);
  const newest = await newestFor(client, { repository, scheme }, environmentLookup(config, environment));
  return { image: name, repository, tag: newest.tag, reference: newest.reference, ...(newest.digest === undefined ? {} : { digest: newest.digest }) };
}
