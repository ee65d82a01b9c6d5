import type { Command } from "commander";
import type { DeployOutcome, ReconcileRow } from "../../app/index.js";
import { printJson } from "../context.js";
import { remoteOrLocal } from "../remote.js";
import { deployText } from "./deploy-commands.js";

const stderrLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** slipway down | reconcile: take a service down; repair what drifted from each service's current revision. */
export function registerConvergeCommands(program: Command): void {
  program
    .command("down")
    .description("stop and remove a service's containers and routes in an environment; its revisions are kept for a later deploy or rollback")
    .argument("<service>", "a service of slipway.yml")
    .option("-e, --env <environment>", "the environment")
    .option("--dry-run", "print the plan and touch nothing")
    .option("--json", "print the result as JSON")
    .action(async (service: string, options: { env?: string; dryRun?: boolean; json?: boolean }, command: Command) => {
      const { deployJson, takeDown } = await import("../../app/deploy.js");
      const input = { service, ...(options.env === undefined ? {} : { environment: options.env }), ...(options.dryRun === true ? { dryRun: true } : {}) };
      const outcome = await remoteOrLocal(
        command,
        (remote) => remote.call<DeployOutcome>("POST", `/api/v1/services/${encodeURIComponent(service)}/down`, input),
        async (context) => {
          const attempt = await takeDown(context, { ...input, trigger: "down" }, stderrLog);
          if (!attempt.ok) throw attempt.error;
          return attempt.value;
        },
      );
      if (options.json) printJson(deployJson(outcome));
      else if (outcome.status === "succeeded")
        process.stdout.write(`${outcome.service} (${outcome.environment}) is down (revision ${outcome.revision}: no replicas)\n`);
      else process.stdout.write(deployText(outcome, await import("../../deploy/fleet.js")));
    });

  program
    .command("reconcile")
    .description("compare every service's current revision with what runs and repair drift: routes, missing or exited replicas, leftovers")
    .argument("[service]", "only this service")
    .option("-e, --env <environment>", "only this environment")
    .option("--dry-run", "say what drifted and how it would be repaired; change nothing")
    .option("--json", "print the report as JSON")
    .action(async (service: string | undefined, options: { env?: string; dryRun?: boolean; json?: boolean }, command: Command) => {
      const { reconcileServices } = await import("../../app/reconcile.js");
      const input = {
        ...(service === undefined ? {} : { service }),
        ...(options.env === undefined ? {} : { environment: options.env }),
        ...(options.dryRun === true ? { dryRun: true } : {}),
      };
      const rows = await remoteOrLocal(
        command,
        (remote) => remote.call<ReconcileRow[]>("POST", "/api/v1/reconcile", input),
        (context) => reconcileServices(context, input, stderrLog),
      );
      if (options.json) printJson(rows);
      else process.stdout.write(renderReconcile(rows));
      if (rows.some((row) => row.outcome === "failed")) process.exitCode = 1;
    });
}

function renderReconcile(rows: readonly ReconcileRow[]): string {
  if (rows.length === 0) return "no services in slipway.yml\n";
  return rows
    .map((row) => {
      const head = `${row.service} (${row.environment})${row.revision === undefined ? "" : ` revision ${row.revision}`}: ${row.outcome}${row.error === undefined ? "" : ` (${row.error})`}\n`;
      return head + row.steps.map((line) => `  ${line}\n`).join("");
    })
    .join("");
}
