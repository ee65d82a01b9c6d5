import { dirname, isAbsolute, resolve } from "node:path";
import type { Document, LineCounter } from "yaml";
import { configSchema, type ParsedConfig } from "./config-schema.js";
import { invalidError, variableError } from "./config-errors.js";
import { crossReferenceProblems } from "./cross-references.js";
import { interpolateDocument } from "./interpolate-document.js";
import { parseYaml, yamlData } from "./yaml-data.js";
import { configErrorMap, problemsFromIssues, type KnownKeys } from "./issues.js";

/** slipway.yml, parsed, checked and normalized: local build contexts are absolute directories. */
export type Config = ParsedConfig;

export interface ParseConfigOptions {
  /** The file name shown in messages (and, unless `dir` is given, whose directory local paths are relative to). */
  readonly path?: string;
  /** The directory relative paths are resolved against. Default: the directory of `path`. */
  readonly dir?: string;
  /** Variables for ${VAR}; they win over `dotenv`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Variables read from a .env file. */
  readonly dotenv?: Readonly<Record<string, string>>;
  /** Where `dotenv` came from, for hints. Default: .env */
  readonly envFile?: string;
}

export interface ParsedConfigText {
  readonly config: Config;
  /** The YAML document after interpolation, with source positions. */
  readonly document: Document;
  /** Turns the document's offsets into lines and columns. */
  readonly lineCounter: LineCounter;
}

/**
 * Parses the text of a slipway.yml: YAML (CONFIG_SYNTAX, also for nesting deeper than
 * MAX_NESTING), then ${VAR} interpolation (CONFIG_VARIABLE), then the schema and the
 * references between sections (CONFIG_INVALID, every problem at once). Pure apart from resolving paths; throws only SlipwayErrors.
 */
export function parseConfigText(text: string, options: ParseConfigOptions = {}): ParsedConfigText {
  const file = options.path ?? "slipway.yml";
  const { document, lineCounter } = parseYaml(text, file, { keepSourceTokens: true, merge: true, uniqueKeys: true });

  const lookup = (name: string): string | undefined => options.env?.[name] ?? options.dotenv?.[name];
  const variableProblems = interpolateDocument(document, text, lineCounter, lookup);
  if (variableProblems.length > 0) throw variableError(file, variableProblems, options.envFile ?? ".env");

  const data = yamlData(document, file);
  const known: KnownKeys = new WeakMap();
  const result = configSchema.safeParse(data, { error: configErrorMap(known), reportInput: true });
  if (!result.success) throw invalidError(file, problemsFromIssues(result.error.issues, known), document, lineCounter);

  const references = crossReferenceProblems(result.data);
  if (references.length > 0) throw invalidError(file, references, document, lineCounter);

  const dir = options.dir ?? dirname(resolve(file));
  return { config: normalize(result.data, dir), document, lineCounter };
}

function normalize(config: ParsedConfig, dir: string): Config {
  const images = Object.fromEntries(
    Object.entries(config.images).map(([name, image]) => {
      if (image.context.kind !== "local" || isAbsolute(image.context.dir)) return [name, image];
      return [name, { ...image, context: { kind: "local" as const, dir: resolve(dir, image.context.dir) } }];
    }),
  );
  return { ...config, images };
}
