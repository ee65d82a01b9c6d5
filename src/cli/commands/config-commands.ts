import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { SlipwayError } from "../../errors/index.js";
import type { LoadedConfig } from "../../config/index.js";
import type { DockerfileCheck } from "../../app/dockerfile-warnings.js";
import { renderWarning } from "./build-commands.js";
import { globalOptions, printJson, printWarnings, resolveStateDir, type GlobalOptions } from "../context.js";

/** slipway validate | schema | init: check, describe and start a config file. */
export function registerConfigCommands(program: Command): void {
  program
    .command("validate")
    .description("check the config file and list every problem with its line and column; warn about Dockerfiles the builds would get wrong")
    .option("--json", "print the result as JSON (problems too, with exit code 2)")
    .action(async (options: { json?: boolean }, command: Command) => {
      const { loadConfig } = await import("../../config/index.js");
      const global = globalOptions(command);
      const load = (): Promise<LoadedConfig> => loadConfig({ path: global.config, ...(global.envFile ? { envFile: global.envFile } : {}) });
      if (!options.json) {
        const loaded = await load();
        printWarnings(loaded);
        process.stdout.write(`${summary(loaded)}\n`);
        process.stderr.write(renderCheck(await checkDockerfiles(loaded, global)));
        return;
      }
      try {
        const loaded = await load();
        const check = await checkDockerfiles(loaded, global);
        // The config's warnings and the Dockerfiles', each one line as printed without --json.
        const warnings = [...loaded.warnings, ...check.warnings.map((w) => renderWarning(w).replace(/^warning: /, ""))];
        printJson({ valid: true, path: loaded.path, ...counts(loaded), warnings, notChecked: check.notChecked });
      } catch (error) {
        if (!(error instanceof SlipwayError)) throw error;
        printJson({ valid: false, code: error.code, message: error.message, details: error.details, hint: error.hint });
        process.exitCode = error.exitCode;
      }
    });

  program
    .command("schema")
    .description("print the JSON Schema of the config file, for editors")
    .option("-o, --output <file>", "write the schema to a file instead of printing it")
    .action(async (options: { output?: string }) => {
      const { configJsonSchema } = await import("../../config/index.js");
      const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
      if (!options.output) {
        process.stdout.write(text);
        return;
      }
      writeFileSync(resolve(options.output), text);
      process.stdout.write(`wrote ${options.output}\n`);
    });

  program
    .command("init")
    .description("write a starter slipway.yml, commented and valid")
    .option("-o, --output <file>", "where to write it", "slipway.yml")
    .option("--force", "overwrite the file if it exists")
    .action(async (options: { output: string; force?: boolean }) => {
      const { starterConfig } = await import("../../config/index.js");
      const path = resolve(options.output);
      try {
        writeFileSync(path, starterConfig(), { flag: options.force ? "w" : "wx" });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        throw new SlipwayError("CONFIG_EXISTS", `${options.output} already exists`, {
          hint: "pass --force to overwrite it, or --output FILE to write the starter config elsewhere",
        });
      }
      process.stdout.write(`wrote ${options.output}: edit it, then run \`slipway validate\`\n`);
    });
}

/**
 * The Dockerfile check (app/dockerfile-warnings.ts), loaded only when validate runs: the
 * builder stays out of every other command's start-up (test/integration/cli/start-up.test.ts).
 */
async function checkDockerfiles(loaded: LoadedConfig, global: GlobalOptions): Promise<DockerfileCheck> {
  const { validateDockerfiles } = await import("../../app/dockerfile-warnings.js");
  const stateDir = resolveStateDir(global, { dir: loaded.dir, ...(loaded.config.state_dir === undefined ? {} : { stateDir: loaded.config.state_dir }) });
  try {
    return await validateDockerfiles(loaded, stateDir);
  } catch {
    return { warnings: [], notChecked: Object.keys(loaded.config.images) };
  }
}

function renderCheck(check: DockerfileCheck): string {
  const lines = check.warnings.map(renderWarning);
  if (check.notChecked.length > 0) {
    lines.push(
      `note: the Dockerfiles of ${check.notChecked.join(", ")} were not checked: their sources are not on this machine yet (\`slipway plan\` fetches and checks them)`,
    );
  }
  return lines.map((line) => `${line}\n`).join("");
}

interface Counts {
  readonly sources: number;
  readonly images: number;
  readonly services: number;
  readonly jobs: number;
}

function counts(loaded: LoadedConfig): Counts {
  const { config } = loaded;
  return {
    sources: Object.keys(config.sources).length,
    images: Object.keys(config.images).length,
    services: Object.keys(config.services).length,
    jobs: Object.keys(config.jobs).length,
  };
}

/** "slipway.yml is valid: 3 sources, 5 images, 0 services, 1 job" */
export function summary(loaded: LoadedConfig, shown = displayPath(loaded.path)): string {
  const parts = Object.entries(counts(loaded)).map(([kind, count]) => `${count} ${count === 1 ? kind.slice(0, -1) : kind}`);
  return `${shown} is valid: ${parts.join(", ")}`;
}

function displayPath(path: string): string {
  const cwd = `${process.cwd()}/`;
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}
