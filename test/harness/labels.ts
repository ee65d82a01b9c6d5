import { randomBytes } from "node:crypto";
import type { Engine } from "../../src/engine/index.js";

/** Every resource a test creates carries these labels, so cleanup removes only this run's things. */
export const TEST_LABEL = "slipway.test";
export const RUN_LABEL = "slipway.test.run";

/** Unique per test process (node --test runs each file in its own process). */
export const testRunId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;

export function testLabels(extra: Record<string, string> = {}): Record<string, string> {
  return { [TEST_LABEL]: "1", [RUN_LABEL]: testRunId, ...extra };
}

let counter = 0;

/** A unique name valid for containers, images, volumes and networks: slipway-test-PREFIX-RUN-N. */
export function testName(prefix: string): string {
  counter += 1;
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return `slipway-test-${clean}-${testRunId}-${counter}`;
}

/**
 * Removes every container, image, volume and network labelled with this run's ID
 * (containers first, so their images, volumes and networks are free). Returns what it removed.
 */
export async function cleanupTestRun(engine: Engine, runId = testRunId): Promise<string[]> {
  const labels = { [RUN_LABEL]: runId };
  const removed: string[] = [];
  for (const container of await engine.listContainers({ labels, all: true })) {
    if (await engine.removeContainer(container.id, { force: true, volumes: false })) removed.push(`container ${container.name}`);
  }
  const images = (await engine.listImages({ labels })).sort((a, b) => b.created.getTime() - a.created.getTime());
  for (const image of images) {
    if (await engine.removeImage(image.id, { force: true })) removed.push(`image ${image.tags[0] ?? image.id}`);
  }
  for (const volume of await engine.listVolumes({ labels })) {
    if (await engine.removeVolume(volume.name)) removed.push(`volume ${volume.name}`);
  }
  for (const network of await engine.listNetworks({ labels })) {
    if (await engine.removeNetwork(network.id)) removed.push(`network ${network.name}`);
  }
  return removed;
}
