import type { Command } from "commander";
import { registerBuildCommands } from "./build-commands.js";
import { registerConfigCommands } from "./config-commands.js";
import { registerConvergeCommands } from "./converge-commands.js";
import { registerDeployCommands } from "./deploy-commands.js";
import { registerDoctorCommand } from "./doctor-command.js";
import { registerJobCommands } from "./job-commands.js";
import { registerRunCommand } from "./run-register.js";
import { registerPipelineCommands } from "./pipeline-commands.js";
import { registerPolicyCommands } from "./policy-commands.js";
import { registerServeCommands } from "./serve-commands.js";

/** Every command group of the CLI, by name. Each registers its subcommands on the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: readonly RegisterCommand[] = [
  registerConfigCommands,
  registerBuildCommands,
  registerDeployCommands,
  registerPolicyCommands,
  registerConvergeCommands,
  registerDoctorCommand,
  registerJobCommands,
  registerRunCommand,
  registerServeCommands,
  registerPipelineCommands,
];
