import { readFile } from "node:fs/promises";
import type { Document, LineCounter } from "yaml";
import { SlipwayError } from "../errors/index.js";
import { invalidError, variableError } from "./config-errors.js";
import { interpolateDocument } from "./interpolate-document.js";
import { positionOf, type Anchor, type ConfigPath, type Position } from "./positions.js";
import { readTopLevel, type ComposeTopLevel } from "./compose-top-level.js";
import { parseYaml, yamlData } from "./yaml-data.js";

/**
 * A docker-compose file (version 2, 3 or the compose spec) read as a way to write services.
 * Only services:, the volumes: and networks: they declare, and the project (name:,
 * x-slipway.project) are read; the services stay raw, for readComposeServices to check and normalize.
 */
export interface ComposeFile extends ComposeTopLevel {
  /** The file name shown in messages. */
  readonly path: string;
  /** The YAML document, for positions. */
  readonly document: Document;
  readonly lineCounter: LineCounter;
  /** The line and column of a path in the file, e.g. ["services", "web", "ports", 0]. */
  readonly position: (path: ConfigPath, anchor?: Anchor) => Position;
}

export interface ComposeOptions {
  /** The file name shown in messages. Default: docker-compose.yml */
  readonly path?: string;
  /** Variables for ${VAR}. Omitted: the file is not interpolated (the caller does it on `document`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Parses the text of a compose file. Throws CONFIG_SYNTAX, CONFIG_VARIABLE or CONFIG_INVALID. */
export function parseComposeText(text: string, options: ComposeOptions = {}): ComposeFile {
  const file = options.path ?? "docker-compose.yml";
  const { document, lineCounter } = parseYaml(text, file, { merge: true, uniqueKeys: true });
  const env = options.env;
  if (env !== undefined) {
    const problems = interpolateDocument(document, text, lineCounter, (name) => env[name]);
    if (problems.length > 0) throw variableError(file, problems, ".env");
  }
  const { topLevel, problems } = readTopLevel(yamlData(document, file));
  if (problems.length > 0) throw invalidError(file, problems, document, lineCounter);
  return {
    path: file,
    ...topLevel,
    document,
    lineCounter,
    position: (path, anchor = "value") => positionOf(document, lineCounter, path, anchor),
  };
}

/** Reads and parses a compose file; see parseComposeText. A missing file is CONFIG_NOT_FOUND. */
export async function loadComposeServices(path: string, options: Omit<ComposeOptions, "path"> & { readonly displayPath?: string } = {}): Promise<ComposeFile> {
  const shown = options.displayPath ?? path;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : "cannot be read";
    throw new SlipwayError("CONFIG_NOT_FOUND", `the compose file ${shown} ${what}`, {
      hint: "check the file names under compose: in slipway.yml (relative to slipway.yml's directory)",
      cause: error,
    });
  }
  return parseComposeText(text, { path: shown, ...(options.env === undefined ? {} : { env: options.env }) });
}
