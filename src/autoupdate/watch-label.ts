import type { ContainerSummary, Engine } from "../engine/index.js";
import { LABEL } from "../deploy/index.js";

/** The label a container Slipway did not create carries to opt in: `true` updates it, `monitor` only reports. */
export const AUTO_UPDATE_LABEL = "dev.slipway.auto-update";

export type WatchMode = "update" | "monitor";

/** The mode a label value asks for; undefined for anything else (false, typos: not watched). */
export function watchModeOf(value: string | undefined): WatchMode | undefined {
  const word = value?.trim().toLowerCase();
  if (word === "true") return "update";
  if (word === "monitor") return "monitor";
  return undefined;
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
 * Running containers that opted in with the label, except Slipway's own (a declared service
 * is updated from its spec, never from inspect output).
 */
export async function listWatchedContainers(engine: Engine): Promise<WatchedContainer[]> {
  const containers = await engine.listContainers({ labels: { [AUTO_UPDATE_LABEL]: "" } });
  return containers.flatMap((container: ContainerSummary) => {
    const mode = watchModeOf(container.labels[AUTO_UPDATE_LABEL]);
    if (mode === undefined || container.labels[LABEL.managed] === "true") return [];
    return [{ id: container.id, name: container.name, image: container.image, imageId: container.imageId, mode }];
  });
}
