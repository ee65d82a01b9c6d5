import { placeService, type LoadedConfig } from "../config/index.js";
import type { Engine } from "../engine/index.js";
import type { NamedProxy } from "../host-proxy/index.js";

/** A host of hosts: a deployment runs on, connected when the deployment starts. */
export interface DeployHost {
  readonly name: string;
  /** Its docker_host, for people. */
  readonly address: string;
  readonly engine: () => Promise<Engine>;
  /** A Caddy the user runs there (hosts.<name>.proxy), instead of Slipway's. */
  readonly proxy?: NamedProxy;
}

/** The hosts a service runs on in an environment and how many are updated at a time; undefined when the environment has no hosts: (one engine). */
export function fleetOf(
  loaded: LoadedConfig,
  engineFor: (environment: string | undefined, host: string) => Promise<Engine>,
  service: string,
  environment: string,
): { readonly hosts: readonly DeployHost[]; readonly parallel: number } | undefined {
  const names = placeService(loaded.config, service, environment);
  if (names === undefined) return undefined;
  return {
    hosts: names.map((name) => {
      const host = loaded.config.hosts[name];
      return {
        name,
        address: host?.docker_host ?? name,
        engine: () => engineFor(undefined, name),
        ...(host?.proxy === undefined ? {} : { proxy: host.proxy }),
      };
    }),
    parallel: loaded.config.services[service]?.update.hostsParallel ?? 1,
  };
}

/** The engine of the first host that connects, in rollout order; the last host's error when none does. */
export async function firstAnswering(hosts: readonly DeployHost[]): Promise<Engine> {
  let last: unknown = new Error("no hosts");
  for (const host of hosts) {
    try {
      return await host.engine();
    } catch (error) {
      last = error;
    }
  }
  throw last;
}
