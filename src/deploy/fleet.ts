import type { DeploymentStep } from "../store/index.js";
import type { StepRecorder } from "./execute-plan.js";
import type { DeployPorts } from "./ports.js";

/**
 * Several hosts, as a deployment sees them: each host of an environment's hosts: with the
 * ports of its own engine and proxy, in rollout order. Pure types and helpers; the rollout
 * is src/deploy/fleet-deploy.ts.
 */
export interface Fleet {
  readonly hosts: readonly FleetHost[];
  /** How many hosts are updated at a time (update.hosts_parallel). */
  readonly parallel: number;
}

export interface FleetHost {
  readonly name: string;
  /** Its engine's address, for people (ssh://…, tcp://…). */
  readonly address: string;
  /** Its engine, proxy and health gate; absent when it could not be reached. */
  readonly ports?: DeployPorts;
  /** Why it could not be reached. */
  readonly unreachable?: string;
}

/** The step a deployment on several hosts ends with: its detail `hosts` is every HostReport. */
export const HOSTS_STEP = "hosts";

/** What a deployment did on one host. */
export interface HostReport {
  readonly host: string;
  /**
   * updated: runs the new revision; unchanged: already did; repaired: drift mended; skipped: not
   * reachable (the reconcile loop brings it along later); failed: the new revision failed there,
   * or it could not be moved back; moved-back: updated, then returned to the previous revision;
   * untouched: the rollout stopped before it; planned: a dry run.
   */
  readonly outcome: "updated" | "unchanged" | "repaired" | "skipped" | "failed" | "moved-back" | "untouched" | "planned";
  readonly detail?: string;
}

/** Each host's steps are recorded as HOST:STEP, with the host in their detail. */
export function hostRecorder(recorder: StepRecorder, host: string): StepRecorder {
  return { run: (name, detail, act) => recorder.run(`${host}:${name}`, { ...detail, host }, act) };
}

/** The steps a deployment recorded on one host, under the names the single-host deploy gives them. */
export function hostSteps(recorded: readonly DeploymentStep[], host: string): DeploymentStep[] {
  const prefix = `${host}:`;
  return recorded
    .filter((step) => step.detail.host === host && step.name.startsWith(prefix))
    .map((step) => ({ ...step, name: step.name.slice(prefix.length) }));
}

/** "a, b and c" */
export function hostList(hosts: readonly string[]): string {
  if (hosts.length <= 1) return hosts.join("");
  return `${hosts.slice(0, -1).join(", ")} and ${hosts[hosts.length - 1] ?? ""}`;
}

/** One line per report: "b: failed (health check …)". */
export function describeHosts(reports: readonly HostReport[]): string[] {
  return reports.map((report) => `${report.host}: ${report.outcome}${report.detail === undefined ? "" : ` (${report.detail})`}`);
}
