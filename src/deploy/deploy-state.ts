import type { RevisionRecord } from "../store/index.js";
import { createEngineRuntime } from "./engine-runtime.js";
import type { DeployPorts } from "./ports.js";
import type { Runtime } from "./runtime.js";

/** What every deploy path reads first: the runtime it acts on and the revision that serves. */

/** The runtime a deployment runs on: the one given, else the single engine and its proxy. */
export function runtimeOf(ports: DeployPorts): Runtime {
  return ports.runtime ?? createEngineRuntime(ports);
}

/** The revision that serves: the target of the last deployment that succeeded. */
export async function currentRevision(ports: Pick<DeployPorts, "store">, service: string, environment: string): Promise<RevisionRecord | undefined> {
  const [last] = await ports.store.listDeployments({ service, environment, status: "succeeded", limit: 1 });
  if (last === undefined) return undefined;
  return ports.store.getRevision(service, environment, last.toRevision);
}

/** The last `count` non-empty lines of a log, for an error's details. */
export function lastLines(text: string, count: number): string[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(-count);
}
