import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { loadOptionalConfig, type LoadedConfig } from "../../config/index.js";
import { connectEngine } from "../../engine/index.js";
import { SlipwayError } from "../../errors/index.js";
import {
  defaultRunBase,
  jobLogSettings,
  launch,
  launchConfig,
  parseEnvAssignments,
  parseEnvFile,
  shouldAttachStdin,
  type LaunchIo,
} from "../../launcher/index.js";
import { chooseEnvironment } from "../../deploy/index.js";
import { environmentLookup, type EnvironmentLookup } from "../../images/index.js";
import { openStore } from "../../store/index.js";
import { globalOptions, resolveStateDir, storeLocation } from "../context.js";

export interface RunOptions {
  readonly profile?: string;
  readonly local?: boolean;
  readonly home?: string;
  readonly asImageUser?: boolean;
  readonly env: string[];
  readonly envFrom: string[];
  readonly workdir?: string;
  readonly job?: string;
  readonly environment?: string;
}

/** `slipway run IMAGE [COMMAND...]`, once its arguments are parsed (registered in run-register.ts). */
export async function runCommand(self: Command, image: string, command: readonly string[], options: RunOptions): Promise<number> {
  const profile = checkProfile(options.profile);
  const global = globalOptions(self);
  // Only a slipway.yml that does not exist means "no project": one that cannot be read is an error, as for validate.
  const loaded = await loadOptionalConfig({ path: global.config, ...(global.envFile === undefined ? {} : { envFile: global.envFile }) });
  const stateDir = resolveStateDir(
    global,
    loaded === undefined ? undefined : { dir: loaded.dir, ...(loaded.config.state_dir === undefined ? {} : { stateDir: loaded.config.state_dir }) },
  );
  const env = await commandEnv(options);
  const environment = launchEnvironment(loaded, options);
  const engine = await connectEngine();
  const store = options.job === undefined ? undefined : openStore(storeLocation(stateDir, loaded?.config));
  try {
    const result = await launch(
      {
        engine,
        ...launchConfig(loaded, image, process.cwd()),
        runBase: defaultRunBase(),
        ...(store === undefined || options.job === undefined ? {} : { jobs: { store, ...jobLogSettings(loaded, options.job, stateDir) } }),
        io: terminalIo(options.job !== undefined),
        report: (line) => process.stderr.write(`${line}\n`),
      },
      {
        image,
        command,
        ...(profile === undefined ? {} : { profile }),
        local: options.local === true,
        ...(environment === undefined ? {} : { environment }),
        ...(options.home === undefined ? {} : { home: options.home }),
        user: options.asImageUser === true ? "image" : callingUser(),
        env,
        ...(options.workdir === undefined ? {} : { workdir: options.workdir }),
        ...(options.job === undefined ? {} : { job: options.job }),
      },
    );
    return result.exitCode;
  } finally {
    await store?.close();
  }
}

/** How --environment (or the job's environment, with --job) picks the version; checked against slipway.yml. */
function launchEnvironment(loaded: LoadedConfig | undefined, options: RunOptions): EnvironmentLookup | undefined {
  // --local picks among local images, which do not say what they were built for: the job's environment then does not apply.
  const jobEnvironment = options.job === undefined || options.local === true ? undefined : loaded?.config.jobs[options.job]?.environment;
  const name = options.environment ?? jobEnvironment;
  if (name === undefined) return undefined;
  if (loaded === undefined)
    throw new SlipwayError("USAGE", `--environment ${name} needs slipway.yml, which declares the environments`, {
      hint: "run it where slipway.yml is, or pass --config",
    });
  chooseEnvironment(loaded.config, name);
  return environmentLookup(loaded.config, name);
}

function checkProfile(profile: string | undefined): "dev" | "prod" | undefined {
  if (profile === undefined || profile === "dev" || profile === "prod") return profile;
  throw new SlipwayError("USAGE", `--profile ${profile} is not a profile`, { hint: "use --profile dev (source mounted) or --profile prod (sealed code)" });
}

async function commandEnv(options: RunOptions): Promise<Record<string, string>> {
  const lookup = (name: string): string | undefined => process.env[name];
  let env: Record<string, string> = {};
  for (const file of options.envFrom) {
    const text = await readFile(file, "utf8").catch((error: unknown) => {
      throw new SlipwayError("LAUNCH_INVALID", `cannot read the env file ${file}: ${error instanceof Error ? error.message : String(error)}`, {
        hint: "check the path given to --env-from",
      });
    });
    env = { ...env, ...parseEnvFile(text, file, lookup) };
  }
  return { ...env, ...parseEnvAssignments(options.env, lookup) };
}

function terminalIo(job: boolean): LaunchIo {
  const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    tty,
    attachStdin: shouldAttachStdin(0, process.stdin.isTTY === true),
    // With --job the output goes to the job's log, and to the terminal too when there is one.
    echo: !job || process.stdout.isTTY === true,
  };
}

function callingUser(): { uid: number; gid: number } | "image" {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  return uid === undefined || gid === undefined ? "image" : { uid, gid };
}
