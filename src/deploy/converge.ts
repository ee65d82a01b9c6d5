import type { DeploymentRecord } from "../store/index.js";
import type { DeployPorts } from "./ports.js";
import { createReplicas, listReplicas, removeReplicas, routesFor, startReplicas, switchTraffic, type Replica } from "./replicas.js";
import { replicaNumbers } from "./rollout.js";
import { routeId } from "./labels.js";
import { proxiedPorts, specHash, type ServiceSpec } from "./service-spec.js";

/**
 * Makes revision `revision` the only one of a service that runs: its replicas exist, run and
 * are healthy, every route points at them, and every other container of the service is gone.
 * New replicas are healthy before the route moves, so what serves keeps serving.
 */
export async function convergeTo(ports: DeployPorts, spec: ServiceSpec, revision: number, deploymentId: number): Promise<void> {
  const all = await listReplicas(ports.engine, spec.service, spec.environment);
  const mine = all.filter((r) => r.revision === revision && r.replica <= spec.replicas);
  const others = all.filter((r) => !mine.includes(r));
  const serving: Replica[] = [];
  const toStart: Replica[] = [];
  for (const replica of mine) (replica.running ? serving : toStart).push(replica);
  const have = new Set(mine.map((r) => r.replica));
  const missing = replicaNumbers(spec.replicas).filter((n) => !have.has(n));
  if (missing.length > 0) toStart.push(...(await createReplicas(ports, spec, { revision, specHash: specHash(spec), deploymentId }, missing)));
  if (toStart.length > 0) {
    await startReplicas(ports.engine, toStart);
    for (const replica of toStart) {
      const result = await ports.health.waitHealthy(replica, spec);
      if (!result.healthy) throw new Error(`${replica.name} did not become healthy: ${result.detail}`);
    }
  }
  await switchTraffic(ports, spec, [...serving, ...toStart]);
  await removeReplicas(ports.engine, others);
}

/** The way out of an interrupted deployment: forward when the new revision already took traffic. */
export async function interruptedDirection(ports: DeployPorts, deployment: DeploymentRecord, newSpec: ServiceSpec): Promise<"forward" | "back"> {
  const steps = await ports.store.listSteps(deployment.id);
  if (steps.some((s) => s.name === "rollback")) return "back";
  const switched = steps.filter((s) => s.name === "switch" || s.name.startsWith("switch:"));
  const lastBatch = Math.max(0, ...steps.filter((s) => s.name.startsWith("create:")).map((s) => Number(s.name.slice(7))));
  const fullySwitched =
    deployment.strategy === "rolling" ? switched.some((s) => s.name === `switch:${lastBatch}` && lastBatchIsFinal(s.detail, newSpec)) : switched.length > 0;
  if (!fullySwitched) return "back";
  if (switched.every((s) => s.status === "done")) return "forward";
  // The switch was recorded but maybe not applied: the proxy says which side serves.
  const route = proxiedPorts(newSpec)[0];
  if (route === undefined || ports.router === undefined) return "forward";
  const upstreams = await ports.router.upstreamsOf(routeId(newSpec.service, newSpec.environment, route.published ?? route.target));
  const replicas = await listReplicas(ports.engine, newSpec.service, newSpec.environment);
  const newRunning = replicas.filter((r) => r.revision === deployment.toRevision && r.running);
  const target = (await routesFor(ports.engine, newSpec, newRunning))[0];
  const live = new Set(upstreams ?? []);
  return target !== undefined && target.upstreams.some((u) => live.has(u)) ? "forward" : "back";
}

function lastBatchIsFinal(detail: Readonly<Record<string, unknown>>, spec: ServiceSpec): boolean {
  const to = detail.to;
  return Array.isArray(to) && to.length >= spec.replicas;
}
