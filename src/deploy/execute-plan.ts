import type { Pace } from "./fleet-pace.js";
import type { HealthResult } from "./ports.js";
import { refKey, type DeployStep, type ObservedReplica, type ReplicaRef } from "./plan.js";
import { findReplica, type ReplicaIdentity, type Runtime, type SpecOf } from "./runtime.js";
import type { ServiceSpec } from "./service-spec.js";

/** Records a step before it acts and its outcome after (StepRunner), or just runs it. */
export interface StepRecorder {
  run<T>(name: string, detail: Readonly<Record<string, unknown>>, act: () => Promise<T>): Promise<T>;
}

export const unrecorded: StepRecorder = { run: (_name, _detail, act) => act() };

export interface ExecuteInput {
  readonly runtime: Runtime;
  readonly steps: readonly DeployStep[];
  /** The service as the target revision declares it: its routes. */
  readonly spec: ServiceSpec;
  readonly specOf: SpecOf;
  readonly identityOf: (revision: number) => ReplicaIdentity;
  /** What the runtime observed when the plan was made. */
  readonly observed: readonly ObservedReplica[];
  readonly recorder: StepRecorder;
  /** When this plan is one of several running side by side (a fleet's hosts): when each step may start, and a signal that stops it. */
  readonly pace?: Pace;
}

export type ExecuteResult =
  | { readonly ok: true; readonly replicas: readonly ObservedReplica[] }
  | {
      readonly ok: false;
      readonly step: DeployStep;
      /** For people: what failed, and the last real probe result when it was the health gate. */
      readonly reason: string;
      /** Every replica known when the plan stopped, those it created included. */
      readonly replicas: readonly ObservedReplica[];
      /** Whether the final switch had been made: only the new revision serves, so undoing is not the way out. */
      readonly pastFinal: boolean;
      /** Stopped from outside (the pace's signal), not by a step of its own: `step` is the first one left undone. */
      readonly stopped?: { readonly began: boolean };
    };

/**
 * Carries out a plan: each step starts once the steps it comes after are done, so independent
 * steps (a rolling update's next batch starting while the last one drains) run side by side.
 * After a failure no further step starts; the ones under way finish, then the result says
 * which step failed and why. With a pace each step also waits for it, and once its signal aborts
 * no further step starts: the result says `stopped`. Never rejects for a failed step.
 */
export async function executePlan(input: ExecuteInput): Promise<ExecuteResult> {
  const { pace } = input;
  const known: ObservedReplica[] = [...input.observed];
  const done = new Set<string>();
  const started = new Set<string>();
  const inFlight = new Map<string, Promise<void>>();
  let failure: { step: DeployStep; reason: string } | undefined;
  let began = false;
  const stopped = (): boolean => pace?.signal.aborted === true;
  const launch = (step: DeployStep): void => {
    started.add(step.id);
    const run = async (): Promise<void> => {
      if (pace !== undefined) {
        await pace.before(step);
        if (stopped()) return;
      }
      began = true;
      try {
        await input.recorder.run(step.id, detailOf(step, known), () => runStep(input, step, known));
      } catch (error) {
        failure ??= { step, reason: reasonFor(step, error) };
        return;
      }
      done.add(step.id);
      pace?.done(step);
    };
    inFlight.set(
      step.id,
      run().finally(() => inFlight.delete(step.id)),
    );
  };
  for (;;) {
    if (failure === undefined && !stopped()) for (const step of input.steps) if (!started.has(step.id) && step.after.every((id) => done.has(id))) launch(step);
    if (inFlight.size === 0) break;
    await Promise.race(inFlight.values());
  }
  const pastFinal = input.steps.some((s) => s.kind === "switch" && s.final && done.has(s.id));
  if (failure !== undefined) return { ok: false, ...failure, replicas: known, pastFinal };
  const stuck = input.steps.find((s) => !done.has(s.id));
  if (stuck !== undefined && stopped()) {
    const reason = pace?.signal.reason;
    return { ok: false, step: stuck, reason: typeof reason === "string" ? reason : "stopped", replicas: known, pastFinal, stopped: { began } };
  }
  if (stuck !== undefined) throw new Error(`deploy plan step ${stuck.id} waits for a step that is not in the plan (${stuck.after.join(", ")})`);
  return { ok: true, replicas: known };
}

async function runStep(input: ExecuteInput, step: DeployStep, known: ObservedReplica[]): Promise<void> {
  const { runtime, specOf } = input;
  switch (step.kind) {
    case "create": {
      for (const [revision, refs] of byRevision(step.replicas)) {
        const numbers = refs.map((r) => r.replica);
        const created = await runtime.create(specOf(revision), input.identityOf(revision), numbers, known);
        forget(known, refs);
        known.push(...created);
      }
      return;
    }
    case "start":
      return runtime.start(resolve(known, step.replicas, true));
    case "health":
      return healthGate(resolve(known, step.replicas, true), (replica) =>
        runtime.waitHealthy(replica, specOf(replica.revision), step.settle === false ? { settle: false } : {}),
      );
    case "settle":
      return healthGate(resolve(known, step.replicas, true), (replica) => runtime.waitSettled(replica, specOf(replica.revision)));
    case "switch":
      await runtime.route(input.spec, resolve(known, step.to, true), specOf, step.fallback === undefined ? undefined : resolve(known, step.fallback, false));
      return;
    case "drain": {
      const replicas = resolve(known, step.replicas, false);
      const first = replicas[0];
      if (first === undefined) return;
      return runtime.drain(specOf(first.revision), replicas, specOf, specOf(first.revision).update.drainMs);
    }
    case "stop":
      for (const [revision, refs] of byRevision(step.replicas)) await runtime.stop(resolve(known, refs, false), specOf(revision));
      return;
    case "remove":
      await runtime.remove(resolve(known, step.replicas, false));
      forget(known, step.replicas);
      return;
    case "unroute":
      await runtime.unroute(input.spec);
      return;
  }
}

/** A replica that did not pass the gate, with the gate's own words. */
export class HealthGateFailure extends Error {
  constructor(
    readonly replica: ObservedReplica,
    readonly result: Extract<HealthResult, { healthy: false }>,
  ) {
    super(`${replica.name} ${result.reason === "unhealthy" ? `is not healthy: ${result.detail}` : result.detail}`);
  }
}

async function healthGate(replicas: readonly ObservedReplica[], wait: (replica: ObservedReplica) => Promise<HealthResult>): Promise<void> {
  const results = await Promise.all(replicas.map(async (replica) => ({ replica, result: await wait(replica) })));
  for (const { replica, result } of results) if (!result.healthy) throw new HealthGateFailure(replica, result);
}

function reasonFor(step: DeployStep, error: unknown): string {
  if (error instanceof HealthGateFailure) return error.message;
  const text = error instanceof Error ? error.message : String(error);
  switch (step.kind) {
    case "create":
      return `the new containers could not be created: ${text}`;
    case "start":
      return `the new container did not start: ${text}`;
    case "health":
    case "settle":
      return `the new container's health could not be checked: ${text}`;
    case "switch":
      return `traffic could not be switched to the new revision: ${text}`;
    default:
      return text;
  }
}

/** What the store keeps of a step: the typed step itself (what resuming reads) and the container names. */
function detailOf(step: DeployStep, known: readonly ObservedReplica[]): Record<string, unknown> {
  const refs = step.kind === "switch" ? step.to : step.kind === "unroute" ? [] : step.replicas;
  return { step, containers: refs.map((ref) => findReplica(known, ref)?.name ?? refKey(ref)) };
}

function resolve(known: readonly ObservedReplica[], refs: readonly ReplicaRef[], required: boolean): ObservedReplica[] {
  return refs.flatMap((ref) => {
    const found = findReplica(known, ref);
    if (found !== undefined) return [found];
    if (required) throw new Error(`replica ${refKey(ref)} does not exist`);
    return [];
  });
}

function forget(known: ObservedReplica[], refs: readonly ReplicaRef[]): void {
  const keys = new Set(refs.map(refKey));
  for (let i = known.length - 1; i >= 0; i -= 1) if (keys.has(refKey(known[i] as ObservedReplica))) known.splice(i, 1);
}

function byRevision(refs: readonly ReplicaRef[]): Map<number, ReplicaRef[]> {
  const groups = new Map<number, ReplicaRef[]>();
  for (const ref of refs) groups.set(ref.revision, [...(groups.get(ref.revision) ?? []), ref]);
  return groups;
}
