export { DEFAULT_HEALTH_TIMING, resolveTiming, type HealthCheck, type HealthProbeSpec, type HealthTiming } from "./health-check.js";
export { formatMs, type FailureReason, type HealthOutcome, type ProbeResult } from "./health-state.js";
export { systemClock, type Clock } from "./clock.js";
export type { ProbeEvent } from "./health-loop.js";
export { probeOnce, type HealthTarget, type ProbeOptions } from "./probes.js";
export { resolvePublishedAddress, formatAddress, type HostAddress } from "./published-address.js";
export { waitHealthy, waitSettled, type WaitHealthyOptions } from "./wait-healthy.js";
