import type { BuildSession } from "../builder/session.js";
import type { Config } from "../config/index.js";
import { SlipwayError } from "../errors/index.js";
import { environmentLookup, newestFor } from "../images/index.js";
import { normalizeReference } from "../reference/index.js";

/**
 * The image a service deploys to an environment when none is given: the newest pushed build of
 * the graph image it names (the environment's own build once environments bind branches: see
 * src/images/environment-tag.ts), or its reference as written when it names an external image.
 */
export async function serviceImage(config: Config, session: () => BuildSession, service: string, environment: string): Promise<string> {
  const declared = config.services[service]?.image;
  if (declared === undefined) return service; // specFromConfig reports the unknown service
  if (config.images[declared] === undefined) return declared;
  const open = session();
  const target = open.targets.get(declared);
  if (target === undefined) return declared;
  const client = open.registries.client(normalizeReference(target.repository).domain);
  const lookup = environmentLookup(config, environment);
  try {
    return (await newestFor(client, { repository: target.repository, scheme: target.tagScheme }, lookup)).reference;
  } catch (error) {
    if (!(error instanceof SlipwayError) || error.code !== "IMAGE_NOT_FOUND") throw error;
    if (lookup?.required === true) {
      throw new SlipwayError(
        "IMAGE_NOT_FOUND",
        `image ${declared} of service ${service} has no build for the environment ${environment} in ${target.repository} (no tag ${lookup.tag})`,
        {
          hint: `a pipeline run for ${environment} pushes one; or: slipway build ${declared} --env ${environment} --push (or pass --image REF)`,
        },
      );
    }
    throw new SlipwayError("IMAGE_NOT_FOUND", `image ${declared} of service ${service} has no pushed build in ${target.repository}`, {
      hint: `build and push it first: slipway build ${declared} --push (or pass --image REF)`,
    });
  }
}
