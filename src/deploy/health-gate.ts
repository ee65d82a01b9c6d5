import type { Engine } from "../engine/index.js";
import { waitHealthy, waitSettled, type HealthCheck, type HealthOutcome } from "../health/index.js";
import type { HealthGate, HealthResult } from "./ports.js";
import type { ServiceSpec } from "./service-spec.js";

const KEEP_ALIVE_MS = 60_000;

/** The deploy engine's health gate over src/health, probing each container on its published loopback port. */
export function createHealthGate(engine: Engine): HealthGate {
  return {
    waitHealthy: (container, spec, options = {}) =>
      keptAlive(() =>
        // The container was just started: eager probes make it healthy as soon as it answers.
        waitHealthy(
          healthCheckFor(spec),
          { containerId: container.id, engine },
          {
            eager: true,
            ...(options.settle === undefined ? {} : { settle: options.settle }),
            ...(options.signal === undefined ? {} : { signal: options.signal }),
          },
        ),
      ),
    waitSettled: (container, spec, signal) =>
      keptAlive(() => waitSettled(healthCheckFor(spec), { containerId: container.id, engine }, signal === undefined ? {} : { signal })),
  };
}

/**
 * A probe's timeout is an unref'd timer (AbortSignal.timeout), and a fetch that Docker's port
 * proxy hangs up on before the app listens can stay pending with no socket: without a handle of
 * our own, a `slipway deploy` process would exit (code 13) mid-wait.
 */
async function keptAlive(wait: () => Promise<HealthOutcome>): Promise<HealthResult> {
  const keepAlive = setInterval(() => undefined, KEEP_ALIVE_MS);
  try {
    const outcome = await wait();
    if (outcome.healthy) return { healthy: true, afterMs: outcome.after };
    // A restart is an exit its restart policy hid; the detail says "restarted N times".
    return { healthy: false, reason: outcome.reason === "restarted" ? "exited" : outcome.reason, detail: outcome.detail };
  } finally {
    clearInterval(keepAlive);
  }
}

/** http and tcp probes default to the service's first port (the container side). */
export function healthCheckFor(spec: ServiceSpec): HealthCheck {
  const { probe, ...timing } = spec.health;
  const firstPort = spec.ports.find((p) => p.protocol === "tcp")?.target;
  switch (probe.kind) {
    case "http":
      return { kind: "http", path: probe.path, ...(probe.status === undefined ? {} : { status: probe.status }), ...portOf(probe.port ?? firstPort), ...timing };
    case "tcp":
      return { kind: "tcp", ...portOf(probe.port ?? firstPort), ...timing };
    case "command":
      return { kind: "command", command: probe.command, ...timing };
    case "docker":
      return { kind: "docker", ...timing };
    case "running":
      return { kind: "running", ...timing };
  }
}

function portOf(port: number | undefined): { port?: number } {
  return port === undefined ? {} : { port };
}
