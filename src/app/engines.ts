import { resolve } from "node:path";
import type { LoadedConfig } from "../config/index.js";
import type { ConnectOptions, Engine } from "../engine/index.js";

/** The engine of an environment (its docker_host) or of one of hosts:, or the default engine when none is named. */
export type EngineFor = (environment?: string, host?: string) => Promise<Engine>;

/**
 * Each environment's engine, connected on first use and shared by environments that name the
 * same one. An environment without docker_host, and every build, uses the default engine
 * (DOCKER_HOST, else the local socket). A connection that fails is not kept, so the next use
 * tries again; it never falls back to another engine.
 */
export function engineSource(loaded: LoadedConfig, connect: (options: ConnectOptions) => Promise<Engine>, defaultEngine?: () => Promise<Engine>): EngineFor {
  const connected = new Map<string, Promise<Engine>>();
  const open = (key: string, make: () => Promise<Engine>): Promise<Engine> => {
    let engine = connected.get(key);
    if (engine === undefined) {
      engine = make();
      connected.set(key, engine);
      engine.catch(() => connected.delete(key));
    }
    return engine;
  };
  const byDefault = (): Promise<Engine> => open("", defaultEngine ?? (() => connect({})));
  return (environment, host) => {
    if (host !== undefined) {
      const options = hostConnectOptions(loaded, host);
      return open(JSON.stringify(options), () => connect(options));
    }
    const options = environment === undefined ? undefined : connectOptions(loaded, environment);
    if (options === undefined) return byDefault();
    return open(JSON.stringify(options), () => connect(options));
  };
}

/** What slipway.yml says about an environment's engine; undefined when it names none of its own. */
export function connectOptions(loaded: LoadedConfig, environment: string): ConnectOptions | undefined {
  const settings = loaded.config.environments[environment];
  if (settings?.docker_host === undefined) return undefined;
  return engineOptions(loaded, { ...settings, docker_host: settings.docker_host });
}

/** How to reach a host of hosts:; an unknown name is a bug (config validation checks every reference). */
export function hostConnectOptions(loaded: LoadedConfig, host: string): ConnectOptions {
  const settings = loaded.config.hosts[host];
  if (settings === undefined) throw new Error(`no host named ${host} in slipway.yml`);
  return engineOptions(loaded, settings);
}

function engineOptions(
  loaded: LoadedConfig,
  settings: { docker_host: string; docker_tls_verify?: boolean | undefined; docker_cert_path?: string | undefined; address?: string | undefined },
): ConnectOptions {
  return {
    host: settings.docker_host,
    ...(settings.docker_tls_verify === undefined ? {} : { tlsVerify: settings.docker_tls_verify }),
    ...(settings.docker_cert_path === undefined ? {} : { certPath: resolve(loaded.dir, settings.docker_cert_path) }),
    ...(settings.address === undefined ? {} : { replicaAddress: settings.address }),
  };
}
