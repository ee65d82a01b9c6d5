import type { Command } from "commander";

/** Every command group of the CLI, by name. Each registers its subcommands on the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [];
