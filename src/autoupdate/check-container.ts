import type { RegistryCredentials } from "../engine/index.js";
import { digestsFor, pullFollowed, tagDigestAfterNotice, type RegistrySource } from "./tag-digest.js";
import { updateForeignContainer, type ForeignPorts, type ForeignUpdateReport } from "./update-container.js";
import type { ReadyOptions } from "./wait-ready.js";
import type { WatchedContainer } from "./watch-label.js";

export interface ForeignCheckPorts extends ForeignPorts {
  readonly registries: RegistrySource;
  readonly credentialsFor?: (ref: string) => Promise<RegistryCredentials | undefined>;
}

/**
 * One watched container: reads its tag's digest in the registry; when the image it runs is
 * not that digest, pulls it and updates the container (or, in monitor mode, reports it).
 */
export async function checkWatchedContainer(
  ports: ForeignCheckPorts,
  watched: WatchedContainer,
  options: { ready?: ReadyOptions; announced?: string } = {},
): Promise<ForeignUpdateReport & { readonly digest?: string }> {
  const running = await ports.engine.inspectImage(watched.imageId);
  const runningDigests = running === undefined ? [] : digestsFor(running.repoDigests, watched.image);
  const followed = await tagDigestAfterNotice(ports.registries, watched.image, options.announced, (digest) => runningDigests.includes(digest));
  if (runningDigests.includes(followed.digest)) {
    return { status: "current", container: watched.name, digest: followed.digest };
  }
  const credentials = await ports.credentialsFor?.(watched.image);
  const imageId = await pullFollowed(ports.engine, followed, credentials);
  const report = await updateForeignContainer(ports, watched.id, {
    newImage: imageId,
    reference: watched.image,
    mode: watched.mode,
    ...(options.ready === undefined ? {} : { ready: options.ready }),
  });
  return { ...report, digest: followed.digest };
}
