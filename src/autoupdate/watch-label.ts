import type { ContainerSummary, Engine } from "../engine/index.js";
import { LABEL } from "../deploy/index.js";

/** The label a container Slipway did not create carries to opt in: `true` updates it, `monitor` only reports. */
export const AUTO_UPDATE_LABEL = "dev.slipway.auto-update";

/** The label naming the one controller (its `controller.scope`) that watches a labelled container. */
export const SCOPE_LABEL = "dev.slipway.scope";

export type WatchMode = "update" | "monitor";

/** The mode a label value asks for; undefined for anything else (false, typos: not watched). */
export function watchModeOf(value: string | undefined): WatchMode | undefined {
  const word = value?.trim().toLowerCase();
  if (word === "true") return "update";
  if (word === "monitor") return "monitor";
  return undefined;
}

/**
 * Whether a controller with `scope` (its controller.scope; undefined: none) watches a container
 * with these labels. A container belongs to exactly one scope: the one its dev.slipway.scope
 * label names, or none when the label is absent or empty. So a scoped controller watches only
 * its own scope's containers, and an unscoped one only unscoped containers.
 */
export function inScope(labels: Readonly<Record<string, string>>, scope: string | undefined): boolean {
  const own = labels[SCOPE_LABEL]?.trim() ?? "";
  return own === (scope ?? "");
}

export interface WatchedContainer {
  readonly id: string;
  readonly name: string;
  /** The reference it was created from (Config.Image), e.g. myorg/foo:qa. */
  readonly image: string;
  readonly imageId: string;
  readonly mode: WatchMode;
}

/**
 * Running containers that opted in with the label, in the controller's scope, except
 * Slipway's own (a declared service is updated from its spec, never from inspect output).
 * The reference each follows is read from inspect (Config.Image): the container list names a
 * container by its image ID once the tag it was created from points at another image.
 */
export async function listWatchedContainers(engine: Engine, options: { readonly scope?: string | undefined } = {}): Promise<WatchedContainer[]> {
  const containers = await engine.listContainers({ labels: { [AUTO_UPDATE_LABEL]: "" } });
  const watched = containers.filter(
    (container: ContainerSummary) =>
      watchModeOf(container.labels[AUTO_UPDATE_LABEL]) !== undefined && container.labels[LABEL.managed] !== "true" && inScope(container.labels, options.scope),
  );
  const inspected = await Promise.all(watched.map((container) => engine.inspectContainer(container.id)));
  return inspected.flatMap((details) => {
    const mode = details === undefined ? undefined : watchModeOf(details.labels[AUTO_UPDATE_LABEL]);
    if (details === undefined || mode === undefined) return []; // removed (or relabelled) since it was listed
    return [{ id: details.id, name: details.name, image: details.image, imageId: details.imageId, mode }];
  });
}

/** Whether a container's Config.Image is its image's ID (`docker run sha256:…` or an ID prefix), which follows no tag. */
export function isImageId(configImage: string, imageId: string): boolean {
  if (configImage.startsWith("sha256:")) return true;
  return /^[0-9a-f]{1,64}$/.test(configImage) && imageId.replace(/^sha256:/, "").startsWith(configImage);
}
