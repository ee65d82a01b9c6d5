import type { ImageLaunchConfig } from "../config/image-launch-schema.js";
import { SlipwayError } from "../errors/index.js";
import type { TagScheme } from "../graph/tag-schemes.js";
import { familiarName, isReference, parseReference } from "../reference/index.js";

/** What `slipway run IMAGE` launches: an image of slipway.yml or a repository reference. */
export interface LaunchTarget {
  /** The image's name in slipway.yml, or the last part of the repository path; IMAGE_NAME in the container. */
  readonly name: string;
  /** host[:port]/path without tag (Docker Hub images by their short name, as the engine lists them). */
  readonly repository: string;
  readonly scheme: TagScheme;
  /** A tag or digest the user named: that exact version runs, not the newest. */
  readonly pinned?: { readonly tag?: string; readonly digest?: string };
  /** The image's `launch:` settings; absent for a reference or an image without them. */
  readonly launch?: ImageLaunchConfig;
  /** True when IMAGE named an image of slipway.yml. */
  readonly configured: boolean;
}

export interface ConfiguredImage {
  readonly repository: string;
  readonly tagScheme: TagScheme;
  readonly launch?: ImageLaunchConfig;
}

/** Pure: an image name of slipway.yml wins; anything else must be a valid reference. */
export function resolveLaunchTarget(image: string, configured: ReadonlyMap<string, ConfiguredImage>): LaunchTarget {
  const known = configured.get(image);
  if (known !== undefined) {
    return {
      name: image,
      repository: known.repository,
      scheme: known.tagScheme,
      configured: true,
      ...(known.launch === undefined ? {} : { launch: known.launch }),
    };
  }
  if (!isReference(image)) {
    throw new SlipwayError("IMAGE_NOT_FOUND", `${JSON.stringify(image)} is neither an image of slipway.yml nor an image reference`, {
      hint: `name an image of slipway.yml (${[...configured.keys()].join(", ") || "none defined"}) or a repository such as localhost:5000/my-org/app1`,
    });
  }
  const ref = parseReference(image);
  const repository = familiarName(ref);
  const name = ref.path.split("/").at(-1) ?? ref.path;
  const pinned =
    ref.tag === undefined && ref.digest === undefined
      ? undefined
      : { ...(ref.tag === undefined ? {} : { tag: ref.tag }), ...(ref.digest === undefined ? {} : { digest: ref.digest }) };
  return { name, repository, scheme: "timestamp", configured: false, ...(pinned === undefined ? {} : { pinned }) };
}
