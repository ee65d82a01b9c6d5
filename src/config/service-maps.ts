import * as z from "zod";
import { markedValueSchema, type MarkedEnv, type MarkedValue } from "./secret-env.js";
import { formsError } from "./service-forms.js";

/** Compose's two ways to write text by name: a mapping, or a list of "KEY=VALUE". */

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const RESERVED_LABEL_PREFIX = "slipway.";

const scalarSchema = z.union([z.string(), z.number(), z.boolean()]).transform((value) => String(value));

type Ctx = z.core.$RefinementCtx<unknown>;

function addIssue(ctx: Ctx, message: string, path: PropertyKey[]): void {
  ctx.addIssue({ code: "custom", message, path, input: undefined, continue: true });
}

function checkEnvName(name: string, ctx: Ctx, path: PropertyKey[]): void {
  if (!ENV_NAME.test(name)) addIssue(ctx, `"${name}" is not a variable name: use letters, digits and _, not starting with a digit`, path);
}

function fromEnvList(list: readonly string[], ctx: Ctx): MarkedEnv {
  const env: Record<string, string> = {};
  list.forEach((entry, index) => {
    const equals = entry.indexOf("=");
    if (equals === -1) {
      addIssue(
        ctx,
        `"${entry}" has no value: Slipway does not copy variables from the machine it runs on; write "${entry}=\${${entry}}" to take it from the config's environment`,
        [index],
      );
      return;
    }
    const name = entry.slice(0, equals);
    checkEnvName(name, ctx, [index]);
    env[name] = entry.slice(equals + 1);
  });
  return { values: env, secret: [] };
}

function fromEnvMap(map: Readonly<Record<string, string | MarkedValue | null>>, ctx: Ctx): MarkedEnv {
  const env: Record<string, string> = {};
  const secret: string[] = [];
  for (const [name, value] of Object.entries(map)) {
    checkEnvName(name, ctx, [name]);
    if (value === null) {
      addIssue(
        ctx,
        `${name} has no value: Slipway does not copy variables from the machine it runs on; write ${name}: \${${name}} to take it from the config's environment`,
        [name],
      );
      continue;
    }
    if (typeof value === "string") {
      env[name] = value;
      continue;
    }
    env[name] = value.value;
    if (value.secret) secret.push(name);
  }
  return { values: env, secret };
}

/** The container's variables, and the names marked secret (`NAME: { value, secret: true }`). */
export const environmentSchema = z
  .union([z.record(z.string(), z.union([scalarSchema, markedValueSchema]).nullable()), z.array(z.string())], {
    error: formsError('expected environment variables: a mapping NAME: value, or a list of "NAME=value"'),
  })
  .transform((value, ctx) => (Array.isArray(value) ? fromEnvList(value, ctx) : fromEnvMap(value, ctx)))
  .describe(
    'Environment variables of the container: NAME: value, or a list of "NAME=value". Numbers and booleans become text. NAME: { value, secret: true } marks a value secret.',
  );

function checkLabelKey(key: string, ctx: Ctx, path: PropertyKey[]): void {
  if (key === "") addIssue(ctx, "a label needs a key", path);
  if (key.startsWith(RESERVED_LABEL_PREFIX)) {
    addIssue(
      ctx,
      `the label "${key}" starts with "${RESERVED_LABEL_PREFIX}", which Slipway reserves for the labels it sets on what it starts; choose another prefix`,
      path,
    );
  }
}

function fromLabelList(list: readonly string[], ctx: Ctx): Record<string, string> {
  const labels: Record<string, string> = {};
  list.forEach((entry, index) => {
    const equals = entry.indexOf("=");
    const key = equals === -1 ? entry : entry.slice(0, equals);
    checkLabelKey(key, ctx, [index]);
    labels[key] = equals === -1 ? "" : entry.slice(equals + 1);
  });
  return labels;
}

function fromLabelMap(map: Readonly<Record<string, string | null>>, ctx: Ctx): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) {
    checkLabelKey(key, ctx, [key]);
    labels[key] = value ?? "";
  }
  return labels;
}

export const labelsSchema = z
  .union([z.record(z.string(), scalarSchema.nullable()), z.array(z.string())], {
    error: formsError('expected labels: a mapping key: value, or a list of "key=value"'),
  })
  .transform((value, ctx) => (Array.isArray(value) ? fromLabelList(value, ctx) : fromLabelMap(value, ctx)))
  .describe(`Labels set on the container: key: value, or a list of "key=value". Keys starting with "${RESERVED_LABEL_PREFIX}" are Slipway's own.`);

/** An env file of a service: read when the service is deployed. */
export interface EnvFile {
  readonly path: string;
  /** false: a missing file is skipped. */
  readonly required: boolean;
}

const envFileEntrySchema = z
  .union(
    [
      z
        .string()
        .min(1)
        .transform((path): EnvFile => ({ path, required: true })),
      z
        .strictObject({
          path: z.string().min(1).describe("The file's path, relative to the config file."),
          required: z.boolean().default(true).describe("false: skip the file when it does not exist."),
        })
        .transform((value): EnvFile => ({ path: value.path, required: value.required })),
    ],
    { error: formsError("expected an env file: a path, or {path, required}") },
  )
  .describe("An env file: a path, or {path, required}.");

export const envFileSchema = z
  .union([envFileEntrySchema, z.array(envFileEntrySchema)], { error: formsError("expected an env file path, or a list of them") })
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .describe("Files of NAME=value lines added to the environment (a path or a list); `environment` wins over them. Paths are relative to the config file.");
