import { Command, Option, type ParseOptionsResult } from "commander";
import type { RunOptions } from "./run-command.js";

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
        const { runCommand } = await import("./run-command.js");
        process.exitCode = await runCommand(self, image, command, options);
      }),
  );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
