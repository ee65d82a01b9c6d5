import { SlipwayError } from "../errors/index.js";

/**
 * What to probe. `port` on http and tcp is the container port: its published host port is
 * read from the container on each probe. Without it, the target's `address` is used.
 */
export type HealthProbeSpec =
  | { readonly kind: "http"; readonly path: string; readonly status?: number; readonly port?: number }
  | { readonly kind: "tcp"; readonly port?: number }
  | { readonly kind: "docker" }
  | { readonly kind: "command"; readonly command: readonly string[] }
  | { readonly kind: "running" };

export interface HealthTiming {
  /** Failures in this period after the wait begins do not count towards `retries`. */
  readonly startPeriodMs: number;
  /** Pause between the end of one probe and the start of the next. */
  readonly intervalMs: number;
  /** One probe fails when it takes longer than this. */
  readonly timeoutMs: number;
  /** This many consecutive counted failures make the container unhealthy. */
  readonly retries: number;
  /** The wait always ends this long after it began, healthy or not. */
  readonly deadlineMs: number;
  /**
   * After the first passing probe the container must stay up (no exit, no restart) this long
   * before it counts as healthy; 0 turns it off. Default: settle-state.ts#defaultSettleMs.
   */
  readonly settleMs?: number;
}

export type HealthCheck = HealthProbeSpec & Partial<HealthTiming>;

export const DEFAULT_HEALTH_TIMING = {
  startPeriodMs: 0,
  intervalMs: 1_000,
  timeoutMs: 2_000,
  retries: 3,
  deadlineMs: 60_000,
} as const satisfies HealthTiming;

/** The check's timing with defaults filled in; HEALTH_CHECK_INVALID when a value is out of range. */
export function resolveTiming(check: HealthCheck): HealthTiming {
  const timing: HealthTiming = {
    startPeriodMs: check.startPeriodMs ?? DEFAULT_HEALTH_TIMING.startPeriodMs,
    intervalMs: check.intervalMs ?? DEFAULT_HEALTH_TIMING.intervalMs,
    timeoutMs: check.timeoutMs ?? DEFAULT_HEALTH_TIMING.timeoutMs,
    retries: check.retries ?? DEFAULT_HEALTH_TIMING.retries,
    deadlineMs: check.deadlineMs ?? DEFAULT_HEALTH_TIMING.deadlineMs,
    ...(check.settleMs === undefined ? {} : { settleMs: check.settleMs }),
  };
  const problems = [
    ...nonNegative("startPeriodMs", timing.startPeriodMs),
    ...nonNegative("intervalMs", timing.intervalMs),
    ...positive("timeoutMs", timing.timeoutMs),
    ...positive("deadlineMs", timing.deadlineMs),
    ...(timing.settleMs === undefined ? [] : nonNegative("settleMs", timing.settleMs)),
    ...(Number.isInteger(timing.retries) && timing.retries >= 1 ? [] : [`retries must be a whole number of at least 1, not ${timing.retries}`]),
    ...probeProblems(check),
  ];
  if (problems.length > 0) {
    throw new SlipwayError("HEALTH_CHECK_INVALID", `the ${check.kind} health check is not valid: ${problems.join("; ")}`, {
      details: problems,
      hint: "fix the service's health check settings",
    });
  }
  return timing;
}

function probeProblems(check: HealthProbeSpec): string[] {
  switch (check.kind) {
    case "http":
      return [
        ...(check.path.startsWith("/") ? [] : [`path must start with "/", not ${JSON.stringify(check.path)}`]),
        ...(check.status === undefined || (Number.isInteger(check.status) && check.status >= 100 && check.status <= 599)
          ? []
          : [`status must be an HTTP status (100-599), not ${check.status}`]),
        ...portProblems(check.port),
      ];
    case "tcp":
      return portProblems(check.port);
    case "command":
      return check.command.length > 0 && check.command[0] !== "" ? [] : ['command must name a program: an argv array such as ["pg_isready"]'];
    case "docker":
    case "running":
      return [];
  }
}

function portProblems(port: number | undefined): string[] {
  if (port === undefined || (Number.isInteger(port) && port >= 1 && port <= 65_535)) return [];
  return [`port must be 1-65535, not ${port}`];
}

function nonNegative(name: string, value: number): string[] {
  return Number.isFinite(value) && value >= 0 ? [] : [`${name} must be 0 or more milliseconds, not ${value}`];
}

function positive(name: string, value: number): string[] {
  return Number.isFinite(value) && value > 0 ? [] : [`${name} must be more than 0 milliseconds, not ${value}`];
}
