import { Command, CommanderError } from "commander";
import { SlipwayError, exitCodeOf, formatError } from "../errors/index.js";
import { commands } from "./commands/index.js";
import { version } from "../util/version.js";

/** Runs the CLI and returns the process exit code; never calls process.exit itself. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    const debug = argv.includes("--debug");
    process.stderr.write(`${formatError(error, { debug })}\n`);
    return exitCodeOf(error);
  }
}

function buildProgram(): Command {
  const program = new Command("slipway")
    .description("Self-hosted continuous deployment for Docker: build from git, test, push, launch.")
    .version(version, "-V, --version")
    .option("-c, --config <file>", "the config file", "slipway.yml")
    .option("--env-file <file>", "a .env file for ${VAR} interpolation (default: .env beside the config)")
    .option("--state-dir <dir>", "where Slipway keeps its store and caches (default: $SLIPWAY_STATE_DIR or ~/.local/state/slipway)")
    .option("--debug", "show stack traces and debug output")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const register of commands) register(program);
  return program;
}

function commanderExit(error: CommanderError): number {
  if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") {
    return 0;
  }
  // Commander has already printed its message; usage errors are the user's to fix.
  return new SlipwayError("USAGE", error.message).exitCode;
}
