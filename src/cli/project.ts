import type { Command } from "commander";
import type { LoadedConfig } from "../config/index.js";
import type { Engine } from "../engine/index.js";
import type { Notifier, NotifyEventInput } from "../notify/index.js";
import type { Store } from "../store/index.js";
import { globalOptions, printWarnings, resolveStateDir, storeLocation, type GlobalOptions } from "./context.js";

/**
 * What a command works on: the loaded config, the state directory, and the store and engine,
 * each opened on first use and closed by `close()`. Their modules are loaded here, when a
 * command opens a project, never when the CLI starts (docs/benchmarks.md, start-up).
 */
export interface Project {
  readonly options: GlobalOptions;
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  store(): Store;
  /** The engine of `environment` (its docker_host) or of a host of hosts:, or the default one (DOCKER_HOST, else the local socket). */
  engine(environment?: string, host?: string): Promise<Engine>;
  /** Sends a notification to the config's notify: targets (delivered before close() returns, 10 s at most). */
  notify(event: NotifyEventInput): void;
  close(): Promise<void>;
}

export async function openProject(command: Command): Promise<Project> {
  const options = globalOptions(command);
  const [{ loadConfig }, { openStore }] = await Promise.all([import("../config/load-config.js"), import("../store/index.js")]);
  const loaded = await loadConfig({ path: options.config, ...(options.envFile === undefined ? {} : { envFile: options.envFile }) });
  printWarnings(loaded);
  const stateDir = resolveStateDir(options, { dir: loaded.dir, ...(loaded.config.state_dir === undefined ? {} : { stateDir: loaded.config.state_dir }) });
  let store: Store | undefined;
  let engines: ((environment?: string, host?: string) => Promise<Engine>) | undefined;
  let notifier: Notifier | undefined;
  const createNotifier = loaded.config.notify.length === 0 ? undefined : (await import("../notify/index.js")).createNotifier;
  return {
    options,
    loaded,
    stateDir,
    store() {
      store ??= openStore(storeLocation(stateDir, loaded.config));
      return store;
    },
    async engine(environment, host) {
      if (engines === undefined) {
        const [{ connectEngine }, { engineSource }] = await Promise.all([import("../engine/index.js"), import("../app/engines.js")]);
        engines ??= engineSource(loaded, connectEngine);
      }
      return engines(environment, host);
    },
    notify(event) {
      if (createNotifier === undefined) return;
      notifier ??= createNotifier(loaded.config.notify);
      notifier.notify(event);
    },
    async close() {
      await notifier?.close(10_000);
      await store?.close();
    },
  };
}

/** Runs `fn` with the project open, closing it afterwards whatever happens. */
export async function withProject<T>(command: Command, fn: (project: Project) => Promise<T>): Promise<T> {
  const project = await openProject(command);
  try {
    return await fn(project);
  } finally {
    await project.close();
  }
}
