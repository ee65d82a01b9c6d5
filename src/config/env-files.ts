import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { SlipwayError } from "../errors/index.js";

/**
 * The variables of .env files named in slipway.yml (paths relative to its directory), later
 * files winning. A missing required file is CONFIG_NOT_FOUND; a missing optional one is skipped.
 */
export function readEnvFiles(files: readonly (string | { readonly path: string; readonly required: boolean })[], configDir: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const entry of files) {
    const file = typeof entry === "string" ? { path: entry, required: true } : entry;
    const path = resolve(configDir, file.path);
    if (!existsSync(path)) {
      if (!file.required) continue;
      throw new SlipwayError("CONFIG_NOT_FOUND", `the env file ${file.path} does not exist (looked for ${path})`, {
        hint: typeof entry === "string" ? "create it, or fix the path in slipway.yml" : "create it, fix the path in slipway.yml, or mark it `required: false`",
      });
    }
    Object.assign(values, parseDotenv(readFileSync(path, "utf8")));
  }
  return values;
}
