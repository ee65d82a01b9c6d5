import { lstatSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import type { Document } from "yaml";
import { SlipwayError } from "../errors/index.js";
import { mergeCompose } from "./merge-compose.js";
import { parseConfigText, type Config } from "./parse-config-text.js";

export const CONFIG_NAMES = ["slipway.yml", "slipway.yaml"] as const;

export interface LoadConfigOptions {
  /** The config file; default: slipway.yml (or slipway.yaml) in `cwd`. */
  readonly path?: string;
  readonly cwd?: string;
  /** A .env file for ${VAR}; default: .env beside the config, when it exists. */
  readonly envFile?: string;
  /** Variables that win over the .env file; default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface LoadedConfig {
  /** The config file, absolute. */
  readonly path: string;
  /** Its directory: relative paths in the config are relative to it. */
  readonly dir: string;
  readonly config: Config;
  /** The YAML document after interpolation, with source positions. */
  readonly document: Document;
  /** What is valid for Slipway but not for another tool reading the same files (docker-compose), as "file:line:col: path: message". */
  readonly warnings: readonly string[];
}

/** slipway.yml or slipway.yaml in `cwd`, or undefined. */
export function findConfig(cwd: string): string | undefined {
  for (const name of CONFIG_NAMES) {
    const path = join(cwd, name);
    if (isFile(path)) return path;
  }
  return undefined;
}

/**
 * Reads, interpolates, validates and normalizes a config file, and adds the services of the
 * compose files it names. Throws CONFIG_* SlipwayErrors.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const path = configPath(cwd, options.path);
  const dir = dirname(path);
  const shown = displayName(cwd, path);
  const text = readText(path, shown, "run `slipway init` to write a starter slipway.yml here, or pass --config FILE");
  const envPath = options.envFile === undefined ? join(dir, ".env") : resolve(cwd, options.envFile);
  const dotenv =
    options.envFile === undefined && !isFile(envPath) ? {} : parseDotenv(readText(envPath, displayName(cwd, envPath), "check the path given to --env-file"));
  const env = options.env ?? process.env;
  const parsed = parseConfigText(text, { path: shown, dir, env, dotenv, envFile: displayName(cwd, envPath) });
  const { config, warnings } = await mergeCompose(parsed.config, {
    dir,
    display: (file) => displayName(cwd, file),
    env: { ...dotenv, ...definedOnly(env) },
    file: shown,
    document: parsed.document,
    lineCounter: parsed.lineCounter,
  });
  return { path, dir, config, document: parsed.document, warnings };
}

/**
 * loadConfig, or undefined when there is no project: only a config file that does not exist
 * means that. One that exists but cannot be read (a directory, permission denied), or whose
 * env and compose files are missing, is the same error loadConfig (and `validate`) reports.
 */
export async function loadOptionalConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig | undefined> {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (!exists(configPath(cwd, options.path))) return undefined;
  return loadConfig(options);
}

/** The path given, else slipway.yml/slipway.yaml in cwd; slipway.yml also finds slipway.yaml beside it. */
function configPath(cwd: string, given: string | undefined): string {
  if (given === undefined) return findConfig(cwd) ?? join(cwd, CONFIG_NAMES[0]);
  const path = resolve(cwd, given);
  if (basename(path) === CONFIG_NAMES[0] && !isFile(path)) return findConfig(dirname(path)) ?? path;
  return path;
}

/** hint: what to do when the file does not exist; a file that exists but cannot be read gets its own. */
function readText(path: string, shown: string, hint: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code;
    if (reason === "ENOENT") throw new SlipwayError("CONFIG_NOT_FOUND", `${shown} does not exist`, { hint, cause: error });
    const what =
      reason === "EISDIR" ? "is a directory" : reason === "EACCES" ? "cannot be read (permission denied)" : `cannot be read (${reason ?? "unknown error"})`;
    const fix = reason === "EISDIR" ? `replace the directory with a file` : `give your user read access to ${shown}`;
    throw new SlipwayError("CONFIG_NOT_FOUND", `${shown} ${what}`, { hint: `${fix}, or pass --config FILE`, cause: error });
  }
}

function displayName(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Anything at path, even what cannot be read; false only when nothing is there. */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
