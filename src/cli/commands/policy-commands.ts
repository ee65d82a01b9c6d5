import type { Command } from "commander";
import type { DueOutcome, HeldView } from "../../app/index.js";
import type { FreezeRecord } from "../../store/index.js";
import { printJson } from "../context.js";
import { remoteOrLocal } from "../remote.js";

const stderrLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** slipway queue | approve | reject | freeze | unfreeze: deploys held by their environment's policy, and freezes. */
export function registerPolicyCommands(program: Command): void {
  program
    .command("queue")
    .description("the deploys held by approvals, maintenance windows or a freeze, and what each waits for")
    .option("-e, --env <environment>", "only this environment's")
    .option("--all", "also the ones that ran or were stopped (the newest 50)")
    .option("--json", "print them as JSON")
    .action(async (options: { env?: string; all?: boolean; json?: boolean }, command: Command) => {
      const query = { ...(options.env === undefined ? {} : { environment: options.env }), ...(options.all === true ? { all: true } : {}) };
      const held = await remoteOrLocal(
        command,
        async (remote) => {
          const params = new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]));
          return (await remote.call<{ held: HeldView[] }>("GET", `/api/v1/held${params.size === 0 ? "" : `?${params}`}`)).held;
        },
        async (context) => {
          const { gateDeps, listHeldViews } = await import("../../app/held-deploys.js");
          return listHeldViews(gateDeps(context), query);
        },
      );
      if (options.json) printJson(held);
      else
        process.stdout.write(
          held.length === 0 ? `no deploys are held${options.all === true ? "" : " (--all shows earlier ones)"}\n` : held.map(heldLine).join(""),
        );
    });

  program
    .command("approve")
    .description("approve a held deploy (slipway queue lists them); it runs once it has its approvals and its windows are open")
    .argument("<id>", "the held deploy's number")
    .option("--reason <text>", "a note kept with the approval")
    .option("--json", "print the held deploy as JSON")
    .action(async (id: string, options: { reason?: string; json?: boolean }, command: Command) => {
      const number = (await import("../../app/held-deploys.js")).parseHeldId(id);
      const body = options.reason === undefined ? {} : { reason: options.reason };
      const result = await remoteOrLocal(
        command,
        async (remote) => ({ held: await remote.call<HeldView>("POST", `/api/v1/held/${number}/approve`, body), ran: undefined }),
        async (context) => {
          const [{ approveHeld, gateDeps, localActor, runDueHeld, heldView }, { heldRunner }] = await Promise.all([
            import("../../app/held-deploys.js"),
            import("../../app/deploy.js"),
          ]);
          const deps = gateDeps(context);
          const approved = await approveHeld(deps, number, localActor(), options.reason);
          // Without a controller to hand it to, the approval that opens the gate runs the deploy here.
          const [ran] = await runDueHeld(deps, heldRunner(context, stderrLog), { only: number });
          const after = await context.store.getHeld(number);
          return { held: after === undefined ? approved : await heldView(deps, after), ran };
        },
      );
      if (options.json) printJson(result.held);
      else process.stdout.write(`approved #${number}: ${heldLine(result.held).trimStart()}${ranLine(result.ran)}`);
      if (result.ran?.status === "failed") process.exitCode = 3;
    });

  program
    .command("reject")
    .description("reject a held deploy: it never runs (its requester rejecting it cancels it)")
    .argument("<id>", "the held deploy's number")
    .option("--reason <text>", "why, for the requester and the audit")
    .option("--json", "print the held deploy as JSON")
    .action(async (id: string, options: { reason?: string; json?: boolean }, command: Command) => {
      const number = (await import("../../app/held-deploys.js")).parseHeldId(id);
      const body = options.reason === undefined ? {} : { reason: options.reason };
      const held = await remoteOrLocal(
        command,
        (remote) => remote.call<HeldView>("POST", `/api/v1/held/${number}/reject`, body),
        async (context) => {
          const { gateDeps, rejectHeld, localActor } = await import("../../app/held-deploys.js");
          return rejectHeld(gateDeps(context), number, localActor(), options.reason);
        },
      );
      if (options.json) printJson(held);
      else process.stdout.write(heldLine(held));
    });

  program
    .command("freeze")
    .description("hold every deploy to an environment but urgent ones (slipway deploy --urgent REASON) until a time")
    .argument("<environment>", "the environment")
    .requiredOption("--until <time>", "when the freeze ends: an ISO 8601 time (2026-12-27T08:00:00+01:00) or a duration from now (3d)")
    .requiredOption("--reason <text>", "why, shown to everyone it holds up")
    .option("--json", "print the freeze as JSON")
    .action(async (environment: string, options: { until: string; reason: string; json?: boolean }, command: Command) => {
      const freeze = await remoteOrLocal(
        command,
        (remote) => remote.call<FreezeRecord>("POST", "/api/v1/freezes", { environment, until: options.until, reason: options.reason }),
        async (context) => {
          const { freezeEnvironment, gateDeps, localActor, parseUntil } = await import("../../app/held-deploys.js");
          return freezeEnvironment(gateDeps(context), {
            environment,
            until: parseUntil(options.until, new Date()),
            reason: options.reason,
            actor: localActor(),
          });
        },
      );
      if (options.json) printJson(freeze);
      else process.stdout.write(`${freeze.environment} is frozen until ${new Date(freeze.until).toISOString()}: ${freeze.reason}\n`);
    });

  program
    .command("unfreeze")
    .description("end an environment's freeze; the deploys it held run (those whose approvals and windows allow)")
    .argument("<environment>", "the environment")
    .action(async (environment: string, _options: unknown, command: Command) => {
      const answer = await remoteOrLocal(
        command,
        (remote) => remote.call<{ cleared: boolean }>("DELETE", `/api/v1/freezes/${encodeURIComponent(environment)}`),
        async (context) => {
          const { gateDeps, unfreezeEnvironment, localActor } = await import("../../app/held-deploys.js");
          return { cleared: await unfreezeEnvironment(gateDeps(context), { environment, actor: localActor() }) };
        },
      );
      process.stdout.write(answer.cleared ? `${environment} is no longer frozen\n` : `${environment} was not frozen\n`);
    });
}

/** "#7 web -> prod ghcr.io/acme/web@sha256:… by alice: waiting: approvals 1/2, 23h left (approved by bob)" */
export function heldLine(held: HeldView): string {
  const approved = held.approvedBy.length === 0 ? "" : ` (approved by ${held.approvedBy.join(", ")})`;
  const state = held.status === "waiting" ? `waiting: ${held.waiting ?? "?"}` : `${held.status}${held.error === undefined ? "" : `: ${held.error}`}`;
  const ran = held.deployment === undefined ? "" : `, deployment ${held.deployment}`;
  return `#${held.id} ${held.service} -> ${held.environment} ${held.image}, ${held.trigger} by ${held.requestedBy} at ${held.requestedAt}: ${state}${approved}${ran}\n`;
}

function ranLine(ran: DueOutcome | undefined): string {
  if (ran === undefined) return "";
  if (ran.status === "succeeded") return `  its gate opened: deployed (deployment ${ran.deployment ?? "?"})\n`;
  return `  its gate opened: ${ran.status}${ran.error === undefined ? "" : `: ${ran.error}`}\n`;
}
