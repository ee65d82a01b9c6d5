import { readFile } from "node:fs/promises";
import { Command, Option, type ParseOptionsResult } from "commander";
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
import { globalOptions, resolveStateDir } from "../context.js";

interface RunOptions {
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

/**
 * `slipway run` reads options only up to IMAGE; everything after it is the command, passed
 * through untouched (as `docker run` does). Commander's passThroughOptions would need the whole
 * program to take positional options, so this command splits its own arguments.
 */
class RunCommand extends Command {
  override parseOptions(argv: string[]): ParseOptionsResult {
    const at = imageIndex(argv, this.options);
    if (at === -1) return super.parseOptions(argv);
    const rest = argv.slice(at + 1);
    const command = rest[0] === "--" ? rest.slice(1) : rest;
    const before = argv.slice(0, at).filter((arg, index, all) => !(arg === "--" && index === all.length - 1));
    const parsed = super.parseOptions(before);
    return { operands: [...parsed.operands, argv[at] ?? "", ...command], unknown: parsed.unknown };
  }
}

/** The index of IMAGE: the first argument that is neither an option nor an option's value. */
export function imageIndex(argv: readonly string[], options: readonly Option[]): number {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? "";
    if (arg === "--") return index + 1 < argv.length ? index + 1 : -1;
    if (!arg.startsWith("-") || arg === "-") return index;
    if (arg.includes("=")) continue;
    const option = options.find((o) => o.long === arg || o.short === arg);
    if (option?.required === true || option?.optional === true) index += 1;
  }
  return -1;
}

export function registerRunCommand(program: Command): void {
  const run = new RunCommand("run");
  run.copyInheritedSettings(program);
  program.addCommand(
    run
      .description("run the newest version of an image once, with its data, logs, config and tmp directories mapped; exits with the command's exit code")
      .argument("<image>", "an image of slipway.yml, or a repository (localhost:5000/my-org/app1)")
      .argument("[command...]", "the command and its arguments (after IMAGE, or after --); default: the image's own")
      .addOption(
        new Option("--profile <profile>", "dev: the image's source checkout mounted read-write; prod: the sealed code (default: launch.profile, else prod)"),
      )
      .option("--local", "the newest local version; never ask the registry")
      .option("--home <dir>", "the host directory for data/, logs/, config/ and tmp/ (default: launch.home, else ~/.local/share/slipway/run/IMAGE)")
      .option("--as-image-user", "run as the image's user instead of yours")
      .option("-e, --env <KEY=VALUE>", "set a variable in the container (KEY alone passes yours); repeatable", collect, [])
      .option("--env-from <file>", "read variables from a KEY=VALUE file (the global --env-file is for slipway.yml); repeatable", collect, [])
      .option("-w, --workdir <dir>", "the working directory inside the container")
      .option("--job <name>", "log a header and the output to the job's log and record the run, like a scheduled job")
      .option("--environment <name>", "run the environment's newest build of an image of slipway.yml (default with --job: the job's environment)")
      .action(async (image: string, command: string[], options: RunOptions, self: Command) => {
        process.exitCode = await runCommand(self, image, command, options);
      }),
  );
}

async function runCommand(self: Command, image: string, command: readonly string[], options: RunOptions): Promise<number> {
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
  const store =
    options.job === undefined
      ? undefined
      : openStore({ stateDir, ...(process.env["SLIPWAY_STORE"] === undefined ? {} : { url: process.env["SLIPWAY_STORE"] }) });
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

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
