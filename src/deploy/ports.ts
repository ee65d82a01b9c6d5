import type { Engine, RegistryCredentials } from "../engine/index.js";
import type { Store } from "../store/index.js";
import type { Fleet } from "./fleet.js";
import type { Runtime } from "./runtime.js";
import type { ServiceSpec } from "./service-spec.js";

/** The reverse proxy as a deployment sees it: one route per published port. */
export interface TrafficRouter {
  /** Creates or atomically replaces a route; the listening socket stays open. False when it was already as asked. */
  setRoute(route: {
    id: string;
    listen: { host?: string; port: number };
    upstreams: readonly string[];
    fallbacks?: readonly string[];
    healthPath?: string;
  }): Promise<boolean>;
  /** The upstreams and fallbacks (addresses dialled only when the upstream cannot be) of a route, or undefined when there is none. */
  routeOf(id: string): Promise<{ readonly upstreams: readonly string[]; readonly fallbacks?: readonly string[] } | undefined>;
  removeRoute(id: string): Promise<unknown>;
  /**
   * In-flight requests per upstream address (Caddy's GET /reverse_proxy/upstreams). With it the
   * drain ends as soon as the retired replicas have nothing in flight; without it the drain
   * always lasts `update.drainMs`.
   */
  upstreamStatus?(): Promise<readonly { readonly address: string; readonly numRequests: number }[]>;
}

export type HealthResult =
  | { readonly healthy: true; readonly afterMs: number }
  | { readonly healthy: false; readonly reason: "deadline" | "exited" | "unhealthy"; readonly detail: string };

/** Waits until one container of a revision is ready for traffic, by the service's health settings. */
export interface HealthGate {
  /** With `settle` false it returns once the container answers, without the settle time. */
  waitHealthy(
    container: { id: string; name: string },
    spec: ServiceSpec,
    options?: { readonly settle?: boolean; readonly signal?: AbortSignal },
  ): Promise<HealthResult>;
  /** Until the container, which passed its check, stayed up (same start, no restart) for the settle time. */
  waitSettled(container: { id: string; name: string }, spec: ServiceSpec, signal?: AbortSignal): Promise<HealthResult>;
}

export interface DeployPorts {
  readonly engine: Engine;
  readonly store: Store;
  /** Needed when the service publishes TCP ports. */
  readonly router?: TrafficRouter;
  readonly health: HealthGate;
  /** Who runs this deployment: "host:pid". */
  readonly holder: string;
  /** One line of progress for people. */
  readonly log: (line: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly credentialsFor?: (ref: string) => Promise<RegistryCredentials | undefined>;
  /**
   * The engine images are built on, when it is not `engine`: an image `engine` cannot pull (never
   * pushed, or a registry that host does not see) is copied from it, as docker save | docker load.
   */
  readonly imageSource?: () => Promise<Engine>;
  /** Where replicas run; the single engine and `router` when absent (src/deploy/engine-runtime.ts). */
  readonly runtime?: Runtime;
  /** Several hosts: the rollout goes host by host over each one's own ports (src/deploy/fleet-deploy.ts). */
  readonly fleet?: Fleet;
  /** On several hosts: the host of hosts: these ports act on, named in progress lines. */
  readonly hostName?: string;
  /**
   * On several hosts: the image the deployment needs, made sure of (ensureImage) while the host's
   * proxy was being ensured; it settles with the error when that failed, and the rollout uses
   * this outcome instead of pulling again.
   */
  readonly pulled?: { readonly image: string; readonly outcome: Promise<{ readonly error?: unknown }> };
  /** Fault injection for the kill-at-every-step test: "before:<step>" or "after:<step>" (SLIPWAY_FAULT). */
  readonly fault?: string;
}
