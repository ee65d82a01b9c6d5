import type { RegistryCredentials } from "../engine/index.js";
import { SlipwayError } from "../errors/index.js";
import { digestsFor, pinnedReference, pullFollowed, tagDigestAfterNotice, type RegistrySource } from "./tag-digest.js";
import { updateForeignContainer, type ForeignPorts, type ForeignUpdateReport } from "./update-container.js";
import type { ReadyOptions } from "./wait-ready.js";
import { isImageId, type WatchedContainer } from "./watch-label.js";

export interface ForeignCheckPorts extends ForeignPorts {
  readonly registries: RegistrySource;
  readonly credentialsFor?: (ref: string) => Promise<RegistryCredentials | undefined>;
}

/**
 * One watched container: reads the digest of the tag it was created from (its Config.Image)
 * in the registry; when the image it runs is not that digest, updates the container, pulling
 * the digest only once the pre-flight passed. In monitor mode it reports the update and
 * changes nothing on the engine: no pull, and the local tag stays where it was.
 */
export async function checkWatchedContainer(
  ports: ForeignCheckPorts,
  watched: WatchedContainer,
  options: { ready?: ReadyOptions; announced?: string } = {},
): Promise<ForeignUpdateReport & { readonly digest?: string }> {
  if (isImageId(watched.image, watched.imageId)) {
    throw new SlipwayError(
      "CONFIG_INVALID",
      `container ${watched.name} was created from the image ID ${watched.image}, so there is no tag to follow for updates`,
      {
        hint: "create it from a tag (e.g. docker run ... myorg/foo:qa), or remove its dev.slipway.auto-update label",
      },
    );
  }
  const running = await ports.engine.inspectImage(watched.imageId);
  const runningDigests = running === undefined ? [] : digestsFor(running.repoDigests, watched.image);
  const followed = await tagDigestAfterNotice(ports.registries, watched.image, options.announced, (digest) => runningDigests.includes(digest));
  if (runningDigests.includes(followed.digest)) {
    return { status: "current", container: watched.name, digest: followed.digest };
  }
  // Monitor mode names the new image when this engine has it already, and never pulls it.
  const present = watched.mode === "monitor" ? await ports.engine.inspectImage(pinnedReference(followed)) : undefined;
  const pull = async (): Promise<string> => pullFollowed(ports.engine, followed, await ports.credentialsFor?.(watched.image));
  const report = await updateForeignContainer(ports, watched.id, {
    newImage: present?.id ?? pull,
    reference: watched.image,
    mode: watched.mode,
    ...(options.ready === undefined ? {} : { ready: options.ready }),
  });
  return { ...report, digest: followed.digest };
}
