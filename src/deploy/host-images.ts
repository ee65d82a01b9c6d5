import type { DeployPorts } from "./ports.js";
import type { ServiceSpec } from "./service-spec.js";

/** The image of a revision on the engine it runs on: pulled when missing, else copied from the build engine. */
export async function ensureImage(ports: Pick<DeployPorts, "engine" | "log" | "hostName" | "credentialsFor" | "imageSource">, ref: string): Promise<void> {
  if ((await ports.engine.inspectImage(ref)) !== undefined) return;
  ports.log(`pulling ${ref}${ports.hostName === undefined ? "" : ` on ${ports.hostName}`}`);
  const credentials = await ports.credentialsFor?.(ref);
  try {
    await ports.engine.pull(ref, credentials === undefined ? {} : { credentials });
  } catch (error) {
    const source = ports.imageSource === undefined ? undefined : await ports.imageSource().catch(() => undefined);
    if (source === undefined || source === ports.engine || (await source.inspectImage(ref)) === undefined) throw error;
    ports.log(`${ports.engine.address} cannot pull ${ref}; copying it from ${source.address}`);
    await source.copyImageTo(ports.engine, ref);
  }
}

/** Keeps the images of the last `keep` revisions for an offline rollback; removes older ones not in use. */
export async function pruneImages(ports: DeployPorts, spec: ServiceSpec): Promise<void> {
  const revisions = await ports.store.listRevisions(spec.service, spec.environment, { limit: 100 });
  const kept = new Set(revisions.slice(0, spec.update.keep).map((r) => r.image));
  for (const old of revisions.slice(spec.update.keep)) {
    if (kept.has(old.image)) continue;
    await ports.engine.removeImage(old.image).catch(() => false);
  }
}
