import type { ContainerDetails, Engine, ExecResult } from "../engine/index.js";
import { SlipwayError } from "../errors/index.js";
import { resolveTiming, type HealthCheck } from "./health-check.js";
import { formatMs, type ProbeResult } from "./health-state.js";
import { httpProbe, tcpProbe, type ProbeLimits } from "./network-probes.js";
import { notPublished, publishedAddress, type HostAddress } from "./published-address.js";

export interface HealthTarget {
  readonly containerId: string;
  /** Where http and tcp checks without a `port` connect: the published loopback address. */
  readonly address?: HostAddress;
  readonly engine: Engine;
}

export interface ProbeOptions {
  readonly signal?: AbortSignal;
  /** Overrides the check's timeoutMs (a wait passes less near its deadline). */
  readonly timeoutMs?: number;
}

const OUTPUT_CHARS = 200;

/**
 * Probes a container once. A container that has stopped is reported as exited, with its
 * exit code, whatever the check's kind. Rejects with HEALTH_CHECK_INVALID when the check
 * cannot run on this container, and with the signal's reason when `signal` aborts.
 */
export async function probeOnce(check: HealthCheck, target: HealthTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timing = resolveTiming(check);
  const limits: ProbeLimits = { timeoutMs: options.timeoutMs ?? timing.timeoutMs, ...(options.signal === undefined ? {} : { signal: options.signal }) };
  const details = await target.engine.inspectContainer(target.containerId);
  if (details === undefined) return { healthy: false, detail: `container ${target.containerId} no longer exists`, exited: { exitCode: undefined } };
  const life = { startedAt: details.state.startedAt, restarts: details.raw.RestartCount };
  return { ...(await probeDetails(check, details, target, limits)), life };
}

async function probeDetails(check: HealthCheck, details: ContainerDetails, target: HealthTarget, limits: ProbeLimits): Promise<ProbeResult> {
  const notRunning = stateResult(details);
  if (notRunning !== undefined) return notRunning;
  switch (check.kind) {
    case "running":
      return { healthy: true, detail: "the container is running" };
    case "docker":
      return dockerHealth(details);
    case "command":
      return commandProbe(target, check.command, limits);
    case "http":
      return httpProbe(addressFor(details, target, check), check, limits);
    case "tcp":
      return tcpProbe(addressFor(details, target, check), limits);
  }
}

/** The probe's answer when the container is not simply running; undefined when it is. */
function stateResult(details: ContainerDetails): ProbeResult | undefined {
  const state = details.raw.State;
  switch (details.state.status) {
    case "running":
      return state.Paused ? { healthy: false, detail: "the container is paused" } : undefined;
    case "created":
      return { healthy: false, pending: true, detail: "the container has not started yet" };
    case "restarting":
      // It exited; its restart policy will start it again, and again: waiting cannot help.
      return { healthy: false, detail: `${exitDetail(details)}, and its restart policy is restarting it`, exited: { exitCode: state.ExitCode } };
    case "paused":
      return { healthy: false, detail: "the container is paused" };
    default:
      return { healthy: false, detail: exitDetail(details), exited: { exitCode: state.ExitCode } };
  }
}

/** "exited with code 3 after 0.3 s", with the reason when the engine knows it. */
function exitDetail(details: ContainerDetails): string {
  const state = details.raw.State;
  // For a process that exits at once, Docker may record FinishedAt a little before StartedAt.
  const ranMs = Math.max(0, Date.parse(state.FinishedAt) - Date.parse(state.StartedAt));
  const after = Number.isFinite(ranMs) ? ` after ${formatMs(ranMs)}` : "";
  const why = state.OOMKilled ? " (killed: out of memory)" : state.Error ? ` (${state.Error})` : "";
  const status = details.state.status === "exited" || details.state.status === "restarting" ? "exited" : `is ${details.state.status}, and exited`;
  return `${status} with code ${state.ExitCode}${after}${why}`;
}

function dockerHealth(details: ContainerDetails): ProbeResult {
  const health = details.raw.State.Health;
  switch (health?.Status) {
    case "healthy":
      return { healthy: true, detail: "Docker reports healthy" };
    case "starting":
      return { healthy: false, pending: true, detail: "Docker's health check is still starting" };
    case "unhealthy": {
      const last = health.Log?.at(-1);
      const output = last === undefined ? "" : `: exit code ${last.ExitCode}${tail(last.Output) === "" ? "" : `, ${tail(last.Output)}`}`;
      return { healthy: false, detail: `Docker reports unhealthy${output}` };
    }
    default:
      throw new SlipwayError(
        "HEALTH_CHECK_INVALID",
        `container ${details.name} has no Docker HEALTHCHECK, so a "docker" health check cannot tell whether it is healthy`,
        {
          hint: 'add a HEALTHCHECK to the image (or a healthcheck to the service), or use an "http", "tcp" or "command" check',
        },
      );
  }
}

async function commandProbe(target: HealthTarget, command: readonly string[], limits: ProbeLimits): Promise<ProbeResult> {
  const shown = command.join(" ");
  let result: ExecResult | "timeout";
  try {
    result = await withinTime(target.engine.exec(target.containerId, command), limits);
  } catch (error) {
    if (limits.signal?.aborted) throw limits.signal.reason;
    return { healthy: false, detail: `\`${shown}\` could not run: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (result === "timeout")
    return { healthy: false, detail: `\`${shown}\` did not finish in ${formatMs(limits.timeoutMs)}`, timedOut: { afterMs: limits.timeoutMs } };
  const output = tail(`${result.stdout}\n${result.stderr}`);
  if (result.exitCode === 0) return { healthy: true, detail: `\`${shown}\` exited with code 0` };
  return { healthy: false, detail: `\`${shown}\` exited with code ${result.exitCode}${output === "" ? "" : `: ${output}`}` };
}

/** The value, or "timeout" when it takes longer than the limit; rejects with the signal's reason on abort. */
function withinTime<T>(work: Promise<T>, limits: ProbeLimits): Promise<T | "timeout"> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => finish(() => reject(limits.signal?.reason));
    const timer = setTimeout(() => finish(() => resolve("timeout")), limits.timeoutMs);
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      limits.signal?.removeEventListener("abort", onAbort);
      settle();
    };
    if (limits.signal?.aborted) return onAbort();
    limits.signal?.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

function addressFor(details: ContainerDetails, target: HealthTarget, check: { readonly kind: "http" | "tcp"; readonly port?: number }): HostAddress {
  if (check.port !== undefined) return publishedAddress(details, check.port, target.engine.replica.host) ?? throwError(notPublished(details, check.port));
  if (target.address !== undefined) return target.address;
  throw new SlipwayError("HEALTH_CHECK_INVALID", `the ${check.kind} health check of container ${details.name} has no port to connect to`, {
    hint: "give the check a port (the container port; its published host port is looked up)",
  });
}

function throwError(error: Error): never {
  throw error;
}

/** The last line of some output, shortened: enough to say why. */
function tail(output: string): string {
  const lines = output
    .trim()
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const last = lines.at(-1) ?? "";
  return last.length > OUTPUT_CHARS ? `${last.slice(0, OUTPUT_CHARS)}…` : last;
}
