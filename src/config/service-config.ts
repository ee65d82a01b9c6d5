import type { ServicePort } from "./service-ports.js";
import type { ServiceVolume } from "./service-volumes.js";
import type { EnvFile } from "./service-maps.js";
import type { RestartPolicy } from "./service-restart.js";
import type { ServiceNetwork } from "./service-networks.js";
import type { ContainerHealthcheck } from "./service-healthcheck.js";
import type { HealthCheck } from "./service-health.js";
import type { UpdatePolicy } from "./service-update.js";

/**
 * A service as Slipway uses it: every form normalized (ports, volumes, environment...),
 * compose's deploy section folded in, defaults applied. Durations are milliseconds, sizes bytes.
 */
export interface ServiceConfig {
  /** A graph image's name, or an external reference (busybox:1.36, ghcr.io/x/y). */
  readonly image: string;
  readonly command?: readonly string[];
  /** [] clears the image's entrypoint. */
  readonly entrypoint?: readonly string[];
  readonly ports: readonly ServicePort[];
  /** Named volumes, host directories and tmpfs mounts (compose's tmpfs: included). */
  readonly volumes: readonly ServiceVolume[];
  readonly environment: Readonly<Record<string, string>>;
  /** The names of environment: marked `secret: true` (absent: none). Values from env files are secret too. */
  readonly secretEnvironment?: readonly string[];
  readonly envFiles: readonly EnvFile[];
  readonly labels: Readonly<Record<string, string>>;
  readonly restart: RestartPolicy;
  readonly memoryBytes?: number;
  readonly cpus?: number;
  readonly user?: string;
  readonly workingDir?: string;
  readonly hostname?: string;
  readonly networks: readonly ServiceNetwork[];
  /** The container's own healthcheck (compose's healthcheck:). */
  readonly healthcheck?: ContainerHealthcheck;
  readonly replicas: number;
  readonly stopGracePeriod: number;
  readonly stopSignal?: string;
  readonly init: boolean;
  readonly readOnly: boolean;
  /** The environments the service deploys to; absent: all of them. */
  readonly environments?: readonly string[];
  /** Of the environment's hosts, the ones (names or roles) it runs on; absent: all of them. */
  readonly hosts?: readonly string[];
  readonly dependsOn: readonly string[];
  /** Slipway's health gate, with its default resolved. */
  readonly health: HealthCheck;
  /** How updates run, with the strategy resolved (defaultStrategy when none was written). */
  readonly update: UpdatePolicy;
}
