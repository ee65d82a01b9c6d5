import { resolve } from "node:path";
import type { LineCounter, Document } from "yaml";
import { invalidError } from "./config-errors.js";
import { readComposeServices } from "./compose-services.js";
import { loadComposeServices } from "./compose.js";
import type { Config } from "./parse-config-text.js";

export interface ComposeMergeOptions {
  /** The config's directory: compose file names are relative to it. */
  readonly dir: string;
  /** How a path is shown in messages. */
  readonly display: (path: string) => string;
  /** Variables for ${VAR} in the compose files (the config's own, already merged). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config file, for a name defined in both places. */
  readonly file: string;
  readonly document: Document;
  readonly lineCounter: LineCounter;
}

/** The config with the compose files' services, and the warnings about those files (file:line:col: path: message). */
export interface MergedCompose {
  readonly config: Config;
  readonly warnings: readonly string[];
}

/**
 * Adds the services of the files under `compose:` to the config's services. A name defined
 * both in slipway.yml and in a compose file is CONFIG_INVALID at slipway.yml's definition.
 */
export async function mergeCompose(config: Config, options: ComposeMergeOptions): Promise<MergedCompose> {
  if (!config.compose || config.compose.length === 0) return { config, warnings: [] };
  const warnings: string[] = [];
  const services = { ...config.services };
  const origin = new Map<string, string>(Object.keys(services).map((name) => [name, options.file]));
  for (const name of config.compose) {
    const path = resolve(options.dir, name);
    const shown = options.display(path);
    const file = await loadComposeServices(path, { env: options.env, displayPath: shown });
    const read = readComposeServices(file);
    warnings.push(...read.warnings);
    for (const [service, definition] of Object.entries(read.services)) {
      const earlier = origin.get(service);
      if (earlier !== undefined) {
        const message = `the service "${service}" is also defined in ${shown}: give one of them another name`;
        const inConfig = earlier === options.file;
        throw invalidError(
          options.file,
          [{ path: inConfig ? ["services", service] : ["compose"], anchor: "key", message }],
          options.document,
          options.lineCounter,
        );
      }
      origin.set(service, shown);
      services[service] = definition;
    }
  }
  return { config: { ...config, services }, warnings };
}
