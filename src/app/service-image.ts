import type { BuildSession } from "../build/session.js";
import type { Config } from "../config/index.js";
import { SlipwayError } from "../errors/index.js";
import { newestInRegistry } from "../images/index.js";
import { normalizeReference } from "../reference/index.js";

/**
 * The image a service deploys when none is given: the newest pushed build (by its tag scheme)
 * of the graph image it names, or its reference as written when it names an external image.
 */
export async function serviceImage(config: Config, session: () => BuildSession, service: string): Promise<string> {
  const declared = config.services[service]?.image;
  if (declared === undefined) return service; // specFromConfig reports the unknown service
  if (config.images[declared] === undefined) return declared;
  const open = session();
  const target = open.targets.get(declared);
  if (target === undefined) return declared;
  try {
    const newest = await newestInRegistry(open.registries.client(normalizeReference(target.repository).domain), target.repository, target.tagScheme);
    return newest.reference;
  } catch (error) {
    if (!(error instanceof SlipwayError) || error.code !== "IMAGE_NOT_FOUND") throw error;
    throw new SlipwayError("IMAGE_NOT_FOUND", `image ${declared} of service ${service} has no pushed build in ${target.repository}`, {
      hint: `build and push it first: slipway build ${declared} --push (or pass --image REF)`,
    });
  }
}
