import * as z from "zod";
import { durationSchema } from "./units.js";
import { commandSchema } from "./service-command.js";
import { formsError } from "./service-forms.js";

/**
 * Slipway's health gate: what must pass before a new revision takes traffic and the old
 * one is drained. Durations are milliseconds.
 */
export type HealthProbe =
  | { readonly kind: "http"; readonly path: string; readonly status: number; readonly port: number }
  | { readonly kind: "tcp"; readonly port: number }
  | { readonly kind: "docker" }
  | { readonly kind: "command"; readonly command: readonly string[] }
  | { readonly kind: "running" };

export interface HealthTiming {
  /** Failures during this time after the start do not count. */
  readonly startPeriod: number;
  /** Time between probes. */
  readonly interval: number;
  /** Time one probe may take. */
  readonly timeout: number;
  /** Consecutive failures after the start period that fail the deployment early; absent: only the deadline. */
  readonly retries?: number;
  /** The new revision must pass within this time of starting, or the deployment fails and rolls back. */
  readonly deadline: number;
  /** After the first passing probe the container must stay up this long (no exit, no restart); absent: the health module's default. */
  readonly settle?: number;
}

export type HealthCheck = HealthProbe & HealthTiming;

export const HEALTH_DEFAULTS = { startPeriod: 0, interval: 2_000, timeout: 5_000, deadline: 60_000 } as const;

/** A probe as written: ports not yet resolved against the service's ports. */
export type HealthProbeInput =
  | { readonly kind: "http"; readonly path: string; readonly status: number; readonly port?: number }
  | { readonly kind: "tcp"; readonly port?: number }
  | { readonly kind: "docker" }
  | { readonly kind: "command"; readonly command: readonly string[] }
  | { readonly kind: "running" };

export interface HealthInput {
  readonly probe?: HealthProbeInput;
  readonly timing: HealthTiming;
}

const portSchema = z.number().int().min(1).max(65535);
const pathSchema = z.string().regex(/^\/\S*$/, "expected a path starting with /, e.g. /healthz");

const httpSchema = z
  .union(
    [
      pathSchema.transform((path) => ({ path, status: 200 })),
      z.strictObject({
        path: pathSchema.describe("The path to GET, e.g. /healthz."),
        status: z.number().int().min(100).max(599).default(200).describe("The status that means healthy (default 200)."),
        port: portSchema.optional().describe("The container port to ask; default: the first port of the service."),
      }),
    ],
    { error: formsError("expected a path like /healthz, or {path, status, port}") },
  )
  .describe("Healthy when GET http://CONTAINER:PORT/PATH answers the status (default 200): a path, or {path, status, port}.");

const tcpSchema = z
  .union([portSchema, z.literal(true)], { error: "expected a container port number, or true for the first port" })
  .describe("Healthy when the container accepts a TCP connection on this port (true: the first port of the service).");

const KINDS = ["http", "tcp", "docker", "command", "running"] as const;

export const healthSchema = z
  .strictObject({
    http: httpSchema.optional(),
    tcp: tcpSchema.optional(),
    docker: z.literal(true).optional().describe("true: healthy when the engine reports the container healthy (its healthcheck, or the image's HEALTHCHECK)."),
    command: commandSchema.optional().describe("Healthy when this command exits 0 inside the container (run without a shell)."),
    running: z.literal(true).optional().describe("true: healthy as soon as the container runs (no probe)."),
    start_period: durationSchema.optional().describe("Failures during this time after the start do not count (default 0s)."),
    interval: durationSchema.optional().describe("Time between probes (default 2s)."),
    timeout: durationSchema.optional().describe("Time one probe may take (default 5s)."),
    retries: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("Consecutive failures after start_period that fail the deployment early; default: wait for the deadline."),
    deadline: durationSchema
      .optional()
      .describe("The new revision must pass within this time of starting, or the deployment fails and rolls back (default 60s)."),
    settle: durationSchema
      .optional()
      .describe(
        "After its first passing probe, each new container must stay up this long (no exit, no restart), or the deployment rolls back " +
          "(default 2s with running, else 500ms; 0s turns it off). It is waited before the container takes traffic, except for one " +
          "blue-green replica with an http probe: that one serves while it settles, the old container the proxy's fallback.",
      ),
  })
  .transform((value, ctx): HealthInput => {
    const kinds = KINDS.filter((kind) => value[kind] !== undefined);
    if (kinds.length > 1) {
      ctx.addIssue({ code: "custom", message: `health takes exactly one kind of probe, not ${kinds.join(" and ")}`, input: value, continue: true });
    }
    const timing = healthTiming(value);
    if (timing.deadline <= timing.startPeriod) {
      ctx.addIssue({ code: "custom", message: "health.deadline must be longer than health.start_period", path: ["deadline"], input: value, continue: true });
    }
    const probe = probeOf(value);
    return probe === undefined ? { timing } : { probe, timing };
  })
  .describe(
    "Slipway's health gate: a new revision takes traffic only once it passes. One of http, tcp, docker, command or running; " +
      "default: docker when the service has a healthcheck, else tcp on its first port, else running.",
  );

type HealthFields = {
  http?: { path: string; status: number; port?: number | undefined } | undefined;
  tcp?: number | true | undefined;
  docker?: true | undefined;
  command?: readonly string[] | undefined;
  running?: true | undefined;
  start_period?: number | undefined;
  interval?: number | undefined;
  timeout?: number | undefined;
  retries?: number | undefined;
  deadline?: number | undefined;
  settle?: number | undefined;
};

function healthTiming(value: HealthFields): HealthTiming {
  const timing = {
    startPeriod: value.start_period ?? HEALTH_DEFAULTS.startPeriod,
    interval: value.interval ?? HEALTH_DEFAULTS.interval,
    timeout: value.timeout ?? HEALTH_DEFAULTS.timeout,
    deadline: value.deadline ?? HEALTH_DEFAULTS.deadline,
  };
  return {
    ...timing,
    ...(value.retries === undefined ? {} : { retries: value.retries }),
    ...(value.settle === undefined ? {} : { settle: value.settle }),
  };
}

function probeOf(value: HealthFields): HealthProbeInput | undefined {
  if (value.http !== undefined) {
    const { path, status, port } = value.http;
    return port === undefined ? { kind: "http", path, status } : { kind: "http", path, status, port };
  }
  if (value.tcp !== undefined) return value.tcp === true ? { kind: "tcp" } : { kind: "tcp", port: value.tcp };
  if (value.docker !== undefined) return { kind: "docker" };
  if (value.command !== undefined) return { kind: "command", command: value.command };
  if (value.running !== undefined) return { kind: "running" };
  return undefined;
}

/** What resolveHealth needs to know of the service. */
export interface HealthContext {
  /** The container ports, in order. */
  readonly targets: readonly number[];
  /** The service has a container healthcheck that is not disabled. */
  readonly hasHealthcheck: boolean;
  /** The container healthcheck is disabled (test: [NONE] or disable: true). */
  readonly healthcheckDisabled: boolean;
}

/** The health gate with defaults applied and ports resolved, or what is wrong. */
export function resolveHealth(input: HealthInput | undefined, service: HealthContext): HealthCheck | { readonly message: string } {
  const timing = input?.timing ?? { ...HEALTH_DEFAULTS };
  const probe = input?.probe ?? defaultProbe(service);
  const first = service.targets[0];
  switch (probe.kind) {
    case "http":
    case "tcp": {
      const port = probe.port ?? first;
      if (port === undefined) return { message: `health.${probe.kind} needs a port: the service lists no ports, so write the container port` };
      return { ...probe, port, ...timing };
    }
    case "docker":
      if (service.healthcheckDisabled) return { message: "health.docker needs the container's healthcheck, but the service disables it" };
      return { ...probe, ...timing };
    default:
      return { ...probe, ...timing };
  }
}

function defaultProbe(service: HealthContext): HealthProbeInput {
  if (service.hasHealthcheck) return { kind: "docker" };
  if (service.targets.length > 0) return { kind: "tcp" };
  return { kind: "running" };
}
