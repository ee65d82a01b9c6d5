import type { DeploymentRecord, DeploymentStep } from "../store/index.js";
import type { AppContext } from "./context.js";
import { toWire, type Wire } from "./wire.js";

/** A deployment with its steps and the image of the revision it deployed. */
export type HistoryEntry = Wire<DeploymentRecord & { steps: DeploymentStep[]; revisionImage?: string }>;

/** The deployments of a service in an environment, newest first: `slipway history`, GET /api/v1/services/:service/history. */
export async function serviceHistory(context: AppContext, input: { service: string; environment: string; limit: number }): Promise<HistoryEntry[]> {
  const { service, environment } = input;
  const store = context.store;
  const deployments = await store.listDeployments({ service, environment, limit: input.limit });
  const entries = await Promise.all(
    deployments.map(async (d) => ({
      ...d,
      steps: await store.listSteps(d.id),
      revisionImage: (await store.getRevision(service, environment, d.toRevision))?.image,
    })),
  );
  return toWire(entries);
}
