import type { DeploymentRecord, DeploymentStep } from "../store/index.js";
import type { AppContext } from "./context.js";
import { RELEASE_NOTES_STEP, storedReleaseNotes, type ReleaseNotes } from "./release-notes.js";
import { toWire, type Wire } from "./wire.js";

/** A deployment with its steps, the image of the revision it deployed and, when recorded, the commits it brought. */
export type HistoryEntry = Wire<DeploymentRecord & { steps: DeploymentStep[]; revisionImage?: string; changes?: ReleaseNotes }>;

/** The deployments of a service in an environment, newest first: `slipway history`, GET /api/v1/services/:service/history. */
export async function serviceHistory(context: AppContext, input: { service: string; environment: string; limit: number }): Promise<HistoryEntry[]> {
  const { service, environment } = input;
  const store = context.store;
  const deployments = await store.listDeployments({ service, environment, limit: input.limit });
  const entries = await Promise.all(
    deployments.map(async (d) => {
      const steps = await store.listSteps(d.id);
      const recorded = steps.find((s) => s.name === RELEASE_NOTES_STEP && s.status === "done");
      const changes = recorded === undefined ? undefined : storedReleaseNotes(recorded.detail);
      return {
        ...d,
        steps,
        revisionImage: (await store.getRevision(service, environment, d.toRevision))?.image,
        ...(changes === undefined ? {} : { changes }),
      };
    }),
  );
  return toWire(entries);
}
