import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";

/** The options every command shares, declared once on the program (src/cli/main.ts). */
export interface GlobalOptions {
  readonly config: string;
  readonly envFile?: string;
  readonly stateDir?: string;
  readonly debug?: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/**
 * Where Slipway keeps its store and caches: --state-dir, else $SLIPWAY_STATE_DIR, else the
 * config's state_dir (relative to the config file), else $XDG_STATE_HOME/slipway or
 * ~/.local/state/slipway.
 */
export function resolveStateDir(options: GlobalOptions, configured?: { dir: string; stateDir?: string }): string {
  if (options.stateDir) return resolve(options.stateDir);
  const fromEnv = process.env["SLIPWAY_STATE_DIR"];
  if (fromEnv) return resolve(fromEnv);
  if (configured?.stateDir) return resolve(configured.dir, configured.stateDir);
  const xdg = process.env["XDG_STATE_HOME"];
  return xdg ? join(xdg, "slipway") : join(homedir(), ".local", "state", "slipway");
}

/**
 * Where the store is: SLIPWAY_STORE (`sqlite:PATH` or `postgres://...`) when set and not empty, else the config's
 * store.url, else (no url) the embedded SQLite file in the state directory.
 */
export function storeLocation(stateDir: string, config?: { readonly store?: { readonly url: { reveal(): string } } }): { stateDir: string; url?: string } {
  const fromEnv = process.env["SLIPWAY_STORE"];
  const url = fromEnv !== undefined && fromEnv !== "" ? fromEnv : config?.store?.url.reveal();
  return url === undefined || url === "" ? { stateDir } : { stateDir, url };
}

/** Writes data as JSON (for --json) or as lines for people. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A loaded config's warnings (valid for Slipway, rejected by docker-compose), one "warning: file:line:col: ..." line each, on stderr. */
export function printWarnings(loaded: { readonly warnings: readonly string[] }): void {
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`);
}
