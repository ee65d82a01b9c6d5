import type { LoadedConfig } from "../config/index.js";
import type { Engine } from "../engine/index.js";
import type { NotifyEventInput } from "../notify/index.js";
import type { Store } from "../store/index.js";

/**
 * What the application functions of src/app work on, for the CLI (a project opened from
 * slipway.yml) and the controller's HTTP API alike. Engines are connected on first use:
 * a command that needs none never touches a Docker socket.
 */
export interface AppContext {
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  readonly store: Store;
  /** The engine of `environment` (its docker_host) or, given, of that host of hosts:; else the default engine (builds, jobs, the local host). */
  engine(environment?: string, host?: string): Promise<Engine>;
  /** Sends a notification to slipway.yml's notify: targets; never blocks, never fails the caller. */
  readonly notify?: (event: NotifyEventInput) => void;
}
