import type { Engine } from "../engine/index.js";
import { createHealthGate, ensureImage, processHolder, proxiedPorts, type DeployPorts, type ServiceSpec } from "../deploy/index.js";
import { connectProxy, DEFAULT_ADMIN_ADDRESS, parseAdminAddress, startManagedProxy } from "../proxy/index.js";
import type { Store } from "../store/index.js";
import { connectHostProxy, connectNamedProxy, ensureHostProxy, type NamedProxy } from "../host-proxy/index.js";
import type { DeployHost } from "./fleet-hosts.js";

/**
 * The adapters a deployment runs on, for the CLI and the controller alike. A service that
 * publishes TCP ports gets the reverse proxy: on an engine of another host (tcp://, ssh://) the
 * proxy Slipway runs on that host (src/host-proxy, started when missing); on this machine the
 * one at SLIPWAY_PROXY_ADMIN, else the one proxy.admin names, else Caddy started (once,
 * detached) by Slipway under the state directory.
 */
export async function createDeployPorts(input: {
  engine: Engine;
  store: Store;
  stateDir: string;
  spec: ServiceSpec;
  log: (line: string) => void;
  /** proxy.admin of slipway.yml: the admin API of a Caddy the user runs. */
  proxyAdmin?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Only to look (status, doctor, a dry run): the proxy is used when it answers, never started. */
  observeOnly?: boolean;
  /** The engine images are built on (see DeployPorts.imageSource). */
  imageSource?: (() => Promise<Engine>) | undefined;
  /** On a host of hosts: with proxy:, the user's own Caddy there. */
  namedProxy?: NamedProxy | undefined;
}): Promise<DeployPorts> {
  const env = input.env ?? process.env;
  let router: DeployPorts["router"];
  if (proxiedPorts(input.spec).length > 0 && input.namedProxy !== undefined) {
    const named = connectNamedProxy(input.engine, input.namedProxy);
    router = input.observeOnly === true ? await named.catch(() => undefined) : await named;
  } else if (proxiedPorts(input.spec).length > 0 && input.engine.transport !== "unix") {
    router =
      input.observeOnly === true
        ? await connectHostProxy(input.engine).catch(() => undefined)
        : (await ensureHostProxy(input.engine, { onStep: input.log })).proxy;
  } else if (proxiedPorts(input.spec).length > 0) {
    const admin = env.SLIPWAY_PROXY_ADMIN ?? input.proxyAdmin;
    if (input.observeOnly === true) {
      router = await connectProxy(admin ?? parseAdminAddress(DEFAULT_ADMIN_ADDRESS).url).catch(() => undefined);
    } else {
      const handle = admin === undefined ? await startManagedProxy({ stateDir: input.stateDir }) : undefined;
      router = await connectProxy(admin ?? handle?.adminUrl ?? "");
    }
  }
  return {
    engine: input.engine,
    store: input.store,
    ...(router === undefined ? {} : { router }),
    health: createHealthGate(input.engine),
    holder: processHolder(),
    ...(input.imageSource === undefined ? {} : { imageSource: input.imageSource }),
    log: input.log,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...(env.SLIPWAY_FAULT === undefined ? {} : { fault: env.SLIPWAY_FAULT }),
  };
}

/**
 * The ports of a deployment over several hosts: each host's engine connected and its proxy
 * ensured side by side, a host that does not answer kept as unreachable (the rollout skips
 * and reports it). `engine` (the default one) is what the deployment itself is recorded from.
 */
export async function createFleetPorts(
  input: Omit<Parameters<typeof createDeployPorts>[0], "engine"> & {
    engine: Engine;
    hosts: readonly DeployHost[];
    parallel: number;
    /** Make sure of the spec's image on each host while its proxy is ensured (a deployment that will run it). */
    pull?: boolean;
  },
): Promise<DeployPorts> {
  const { hosts, parallel, pull, ...common } = input;
  const connected = await Promise.all(
    hosts.map(async (host) => {
      try {
        const engine = await host.engine();
        const log = (line: string): void => input.log(`${host.name}: ${line}`);
        const image = input.spec.image;
        const pulled =
          pull === true && input.spec.replicas > 0
            ? {
                image,
                outcome: ensureImage({ engine, log, hostName: host.name, imageSource: input.imageSource }, image).then(
                  () => ({}),
                  (error: unknown) => ({ error }),
                ),
              }
            : undefined;
        const ports = await createDeployPorts({ ...common, engine, namedProxy: host.proxy, log });
        return { name: host.name, address: host.address, ports: { ...ports, hostName: host.name, ...(pulled === undefined ? {} : { pulled }) } };
      } catch (error) {
        return { name: host.name, address: host.address, unreachable: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  return {
    engine: input.engine,
    store: input.store,
    health: createHealthGate(input.engine),
    holder: processHolder(),
    log: input.log,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    fleet: { hosts: connected, parallel },
    ...(input.imageSource === undefined ? {} : { imageSource: input.imageSource }),
    ...((input.env ?? process.env).SLIPWAY_FAULT === undefined ? {} : { fault: (input.env ?? process.env).SLIPWAY_FAULT }),
  };
}
