import { currentRevision } from "../deploy/index.js";
import { SlipwayError } from "../errors/index.js";
import type { RevisionRecord, Store } from "../store/index.js";

/** The revision a rollback deploys: the one named ("3" or "r3"), else the last succeeded one before the current. */
export async function rollbackTarget(store: Store, service: string, environment: string, to: string | undefined): Promise<RevisionRecord> {
  if (to !== undefined) {
    const number = Number(to.replace(/^r/, ""));
    const revision = Number.isInteger(number) ? await store.getRevision(service, environment, number) : undefined;
    if (revision === undefined)
      throw new SlipwayError("REVISION_NOT_FOUND", `${service} (${environment}) has no revision ${to}`, { hint: `slipway history ${service} lists them` });
    return revision;
  }
  const current = await currentRevision({ store }, service, environment);
  const succeeded = await store.listDeployments({ service, environment, status: "succeeded", limit: 50 });
  const earlier = succeeded.find((d) => d.toRevision !== current?.revision);
  const revision = earlier === undefined ? undefined : await store.getRevision(service, environment, earlier.toRevision);
  if (revision === undefined) {
    throw new SlipwayError("REVISION_NOT_FOUND", `${service} (${environment}) has no earlier revision to roll back to`, {
      hint: `slipway history ${service} lists its deployments`,
    });
  }
  return revision;
}
