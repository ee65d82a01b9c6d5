import type { TestHost } from "../../test/harness/netns-engine.js";
import type { Version } from "./world.js";

/** One way to roll a version out to a service's hosts, as the bench drives it. */
export interface FleetMethod {
  readonly id: string;
  readonly label: string;
  /** The hosts it serves on, in rollout order. */
  readonly hosts: readonly TestHost[];
  /** The port it answers on, on each host's address. */
  readonly port: number;
  /** Rolls `version` out to every host (the measured part when it is v2); resolves when the tool says it is done. */
  deploy(version: Version): Promise<void>;
  /** The steps of the last rollout as the tool recorded them, when it records any (Slipway's deployment history). */
  lastSteps?(): Promise<RecordedRollout | undefined>;
  /** Removes whatever it created on the hosts. */
  close(): Promise<void>;
}

/** A rollout as the tool recorded it: when (epoch ms) the deployment record was made, and its steps. */
export interface RecordedRollout {
  readonly startedAt: number;
  readonly steps: readonly RecordedStep[];
}

/** One recorded step: its name (HOST:STEP), when it started after the deployment did, and how long it took. */
export interface RecordedStep {
  readonly name: string;
  readonly atMs: number;
  readonly tookMs: number;
}
