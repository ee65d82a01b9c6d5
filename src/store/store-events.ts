import type { BuildRecord, DeploymentRecord, HeldDeployRecord, JobRunRecord, PipelineRunRecord, Store } from "./store.js";

/**
 * What the store just recorded, for whoever shows it live (the dashboard): which record of
 * which service, environment, job or image changed. `changed` comes from another process
 * writing to the same store, when what it wrote is not known: show everything afresh.
 */
export type StoreEvent =
  | { readonly kind: "deployment"; readonly id: number; readonly service?: string; readonly environment?: string }
  | { readonly kind: "pipeline"; readonly id: number; readonly environment?: string }
  | { readonly kind: "job"; readonly id: number; readonly job?: string }
  | { readonly kind: "build"; readonly id: number; readonly image: string }
  | { readonly kind: "held"; readonly id: number; readonly service: string; readonly environment: string }
  | { readonly kind: "watch"; readonly key: string }
  | { readonly kind: "changed" };

type Method = keyof Store;

/** The writes worth showing, and the event each one's result makes. */
const EVENTS: Partial<Record<Method, (args: readonly unknown[], result: unknown) => StoreEvent | undefined>> = {
  startDeployment: (_args, r) => deploymentEvent(r as DeploymentRecord),
  finishDeployment: (_args, r) => deploymentEvent(r as DeploymentRecord),
  takeOverDeployment: (_args, r) => deploymentEvent(r as DeploymentRecord),
  startStep: (args) => ({ kind: "deployment", id: args[0] as number }),
  finishStep: (args) => ({ kind: "deployment", id: args[0] as number }),
  startPipelineRun: (_args, r) => pipelineEvent(r as PipelineRunRecord),
  finishPipelineRun: (_args, r) => pipelineEvent(r as PipelineRunRecord),
  startPipelineStep: (args) => ({ kind: "pipeline", id: args[0] as number }),
  finishPipelineStep: (args) => ({ kind: "pipeline", id: args[0] as number }),
  startJobRun: (_args, r) => jobEvent(r as JobRunRecord),
  finishJobRun: (_args, r) => jobEvent(r as JobRunRecord),
  startBuild: (_args, r) => buildEvent(r as BuildRecord),
  finishBuild: (_args, r) => buildEvent(r as BuildRecord),
  holdDeploy: (_args, r) => heldEvent((r as { held: HeldDeployRecord }).held),
  finishHeld: (_args, r) => heldEvent(r as HeldDeployRecord),
  addVerdict: (_args, r) => heldEvent(r as HeldDeployRecord),
  setWatch: (args) => ({ kind: "watch", key: args[0] as string }),
};

function deploymentEvent(d: DeploymentRecord): StoreEvent {
  return { kind: "deployment", id: d.id, service: d.service, environment: d.environment };
}
function pipelineEvent(r: PipelineRunRecord): StoreEvent {
  return { kind: "pipeline", id: r.id, environment: r.environment };
}
function jobEvent(r: JobRunRecord): StoreEvent {
  return { kind: "job", id: r.id, job: r.job };
}
function buildEvent(r: BuildRecord): StoreEvent {
  return { kind: "build", id: r.id, image: r.image };
}
function heldEvent(h: HeldDeployRecord): StoreEvent {
  return { kind: "held", id: h.id, service: h.service, environment: h.environment };
}

/** The event a write makes, or undefined for a write nobody shows (and for reads). */
export function eventOf(method: string, args: readonly unknown[], result: unknown): StoreEvent | undefined {
  return EVENTS[method as Method]?.(args, result);
}

/**
 * `store`, telling `emit` of each write it records once it is recorded (after its transaction
 * committed), the fenced stores it hands out included. A listener that throws is the listener's
 * problem: the write stands and the caller sees its result.
 */
export function observeStore(store: Store, emit: (event: StoreEvent) => void): Store {
  // Each method wrapped once, not on every call: the store is on every hot path.
  const wrapped = new Map<PropertyKey, unknown>();
  const wrap = (property: PropertyKey, method: (...args: unknown[]) => unknown): unknown => {
    if (property === "fenced") return (...args: unknown[]) => observeStore(method.apply(store, args) as Store, emit);
    if (typeof property !== "string" || EVENTS[property as Method] === undefined) return method.bind(store);
    return async (...args: unknown[]) => {
      const result = await method.apply(store, args);
      const event = eventOf(property, args, result);
      if (event !== undefined) {
        try {
          emit(event);
        } catch {
          // a listener's failure is not the write's
        }
      }
      return result;
    };
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      let method = wrapped.get(property);
      if (method === undefined) {
        method = wrap(property, value as (...args: unknown[]) => unknown);
        wrapped.set(property, method);
      }
      return method;
    },
  });
}
