import type { HealthResult } from "./ports.js";
import type { ObservedReplica, ReplicaRef } from "./plan.js";
import type { ServiceSpec } from "./service-spec.js";

/** Which spec made (or makes) a replica: each revision's own. */
export type SpecOf = (revision: number) => ServiceSpec;

/**
 * Where a service's replicas run, as the deploy engine sees it: it observes them and carries out
 * one step at a time. Strategies plan over what it observes (src/deploy/plan-*.ts) and never
 * assume a replica is a local container on a loopback port. The first implementation is one
 * Docker engine behind one Caddy (src/deploy/engine-runtime.ts).
 */
export interface Runtime {
  /** Every replica of the service in the environment, running or not, by revision then replica. */
  observe(service: string, environment: string): Promise<ObservedReplica[]>;
  /** Creates (does not start) replicas of a revision; a leftover of the same name is replaced. All or none. */
  create(spec: ServiceSpec, identity: ReplicaIdentity, replicas: readonly number[], known: readonly ObservedReplica[]): Promise<ObservedReplica[]>;
  start(replicas: readonly ObservedReplica[]): Promise<void>;
  /** Until the replica passes its health check; with `settle` false as soon as it answers, without the settle time (a settle step follows). */
  waitHealthy(replica: ObservedReplica, spec: ServiceSpec, options?: { readonly settle?: boolean }): Promise<HealthResult>;
  /** Until the replica, which passed its health check, stayed up for its settle time; one that exits or restarts meanwhile fails. */
  waitSettled(replica: ObservedReplica, spec: ServiceSpec): Promise<HealthResult>;
  stop(replicas: readonly ObservedReplica[], spec: ServiceSpec): Promise<void>;
  /** Removes containers, never their named volumes. */
  remove(replicas: readonly ObservedReplica[]): Promise<void>;
  /**
   * Points every route of the service at exactly these replicas, with `fallback` taking the
   * requests they cannot (a dial fails) when given; changes nothing when it already does.
   */
  route(
    service: ServiceSpec,
    replicas: readonly ObservedReplica[],
    specOf: SpecOf,
    fallback?: readonly ObservedReplica[],
  ): Promise<{ readonly changed: boolean }>;
  /** Whether every route already points at exactly these replicas' current addresses. */
  routed(service: ServiceSpec, replicas: readonly ObservedReplica[], specOf: SpecOf): Promise<boolean>;
  /** Whether the proxy holds any route of the service. */
  hasRoute(service: ServiceSpec): Promise<boolean>;
  /** Removes the service's routes; false when it had none. */
  unroute(service: ServiceSpec): Promise<boolean>;
  /** Until nothing is in flight to these replicas, at most `ms`. */
  drain(service: ServiceSpec, replicas: readonly ObservedReplica[], specOf: SpecOf, ms: number): Promise<void>;
  /** The last lines each replica wrote, kept with a failed deployment's record. */
  logs(replicas: readonly ObservedReplica[]): Promise<string>;
}

export interface ReplicaIdentity {
  readonly revision: number;
  readonly specHash: string;
  readonly deploymentId: number;
}

export function findReplica(known: readonly ObservedReplica[], ref: ReplicaRef): ObservedReplica | undefined {
  return known.find((r) => r.revision === ref.revision && r.replica === ref.replica);
}
