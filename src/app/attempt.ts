import type { ServiceSpec } from "../deploy/index.js";
import type { DeploymentRecord, Store } from "../store/index.js";
import { toWire, type Wire } from "./wire.js";

/**
 * A deployment's outcome, or its error together with the deployment record it left (a
 * failed or rolled-back deployment is recorded; a refused one, e.g. locked, is not).
 */
export type Attempt<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown; readonly deployment?: Wire<DeploymentRecord> };

export async function attempt<T>(store: Store, spec: Pick<ServiceSpec, "service" | "environment">, run: () => Promise<T>): Promise<Attempt<T>> {
  const [before] = await store.listDeployments({ service: spec.service, environment: spec.environment, limit: 1 });
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const [latest] = await store.listDeployments({ service: spec.service, environment: spec.environment, limit: 1 });
    const left = latest !== undefined && latest.id !== before?.id ? latest : undefined;
    return { ok: false, error, ...(left === undefined ? {} : { deployment: toWire(left) }) };
  }
}

/** The value of a successful attempt, with `map` applied. */
export function mapAttempt<T, U>(outcome: Attempt<T>, map: (value: T) => U): Attempt<U> {
  return outcome.ok ? { ok: true, value: map(outcome.value) } : outcome;
}
