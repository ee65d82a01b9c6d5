import type { Command } from "commander";
import type { Attempt, DeployOutcome, HistoryEntry, PromoteOutcome, RollbackOutcome, StatusRow } from "../../app/index.js";
import { RELEASE_NOTES_STEP, releaseNotesLines, type ReleaseNotes } from "../../app/release-notes.js";
import type { HOSTS_STEP, HostReport, hostList } from "../../deploy/fleet.js";

/** src/deploy/fleet.js, loaded by the commands that print hosts (not at start-up). */
interface FleetWords {
  readonly HOSTS_STEP: typeof HOSTS_STEP;
  readonly hostList: typeof hostList;
}
const fleetWords = (): Promise<FleetWords> => import("../../deploy/fleet.js");
import { SlipwayError } from "../../errors/index.js";
import { printJson } from "../context.js";
import { formatDuration } from "../progress.js";
import { withProject } from "../project.js";
import { remoteOrLocal } from "../remote.js";

interface TargetOptions {
  env?: string;
  json?: boolean;
}

/** A service's deployments in an environment, as `slipway history` shows them. */
interface History {
  service: string;
  environment: string;
  deployments: HistoryEntry[];
}

const stderrLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * slipway deploy | rollback | status | history | logs: services and what runs where. With
 * SLIPWAY_URL set, all but logs ask the controller there and print its answer the same way.
 */
export function registerDeployCommands(program: Command): void {
  program
    .command("deploy")
    .description("deploy a service from its committed definition, health-gated, rolling back by itself on failure")
    .argument("<service>", "a service of slipway.yml")
    .option("-e, --env <environment>", 'the environment (default: the only one declared, or "default")')
    .option("--image <ref>", "deploy this image reference instead of the newest build of the service's image")
    .option("--force", "deploy even when the same spec and image already run")
    .option("--wait <duration>", "wait this long for another deployment of the service to finish (e.g. 5m)")
    .option("--dry-run", "print the plan (each step, with the replicas it acts on) and touch nothing")
    .option(
      "--urgent <reason>",
      "deploy now inside a deny window, outside the allow windows or during a freeze (audited with the reason; approvals still hold)",
    )
    .option("--json", "print the result as JSON")
    .action(
      async (
        service: string,
        options: TargetOptions & { image?: string; force?: boolean; wait?: string; dryRun?: boolean; urgent?: string },
        command: Command,
      ) => {
        const [{ parseDuration }, { parseReference }, { requestDeploy, deployJson }, { localActor }] = await Promise.all([
          import("../../config/units.js"),
          import("../../reference/index.js"),
          import("../../app/deploy.js"),
          import("../../app/held-deploys.js"),
        ]);
        const waitMs = options.wait === undefined ? 0 : parseDuration(options.wait);
        if (waitMs === undefined) throw new SlipwayError("USAGE", `--wait takes a duration like 30s or 5m, not "${options.wait}"`);
        if (options.image !== undefined) parseReference(options.image);
        const input = {
          service,
          ...(options.env === undefined ? {} : { environment: options.env }),
          ...(options.image === undefined ? {} : { image: options.image }),
          force: options.force === true,
          waitMs,
          ...(options.dryRun === true ? { dryRun: true } : {}),
          ...(options.urgent === undefined ? {} : { urgent: urgentReason(options.urgent) }),
        };
        const outcome = await remoteOrLocal(
          command,
          (remote) => remote.call<DeployOutcome>("POST", "/api/v1/deployments", input),
          async (context) => settled(await requestDeploy(context, { ...input, trigger: "cli", requestedBy: localActor() }, stderrLog)),
        );
        if (options.json) printJson(deployJson(outcome));
        else process.stdout.write(deployText(outcome, await fleetWords()));
      },
    );

  program
    .command("rollback")
    .description("deploy an earlier revision again (its recorded spec and its image, kept locally)")
    .argument("<service>", "a service of slipway.yml")
    .option("-e, --env <environment>", "the environment")
    .option("--to <revision>", "the revision to go back to (default: the one before the current)")
    .option("--json", "print the result as JSON")
    .action(async (service: string, options: TargetOptions & { to?: string }, command: Command) => {
      const { rollbackService } = await import("../../app/deploy.js");
      const input = { service, ...(options.env === undefined ? {} : { environment: options.env }), ...(options.to === undefined ? {} : { to: options.to }) };
      const outcome = await remoteOrLocal(
        command,
        (remote) => remote.call<RollbackOutcome>("POST", "/api/v1/rollbacks", input),
        async (context) => settled(await rollbackService(context, input, stderrLog)),
      );
      if (options.json) printJson({ status: outcome.status, revision: outcome.revision });
      else process.stdout.write(`${outcome.service} (${outcome.environment}) rolled back to revision ${outcome.revision} (${outcome.image})\n`);
    });

  program
    .command("promote")
    .description("deploy to one environment exactly the image (by registry digest) that runs in another, with the target's configuration")
    .argument("<service>", "a service of slipway.yml")
    .requiredOption("--from <environment>", "the environment whose running image is promoted")
    .requiredOption("--to <environment>", "the environment to deploy it to")
    .option("--wait <duration>", "wait this long for another deployment of the service to finish (e.g. 5m)")
    .option("--dry-run", "print the plan and touch nothing")
    .option("--urgent <reason>", "promote now inside a deny window or during a freeze of the target (audited; approvals still hold)")
    .option("--json", "print the result as JSON")
    .action(
      async (service: string, options: { from: string; to: string; wait?: string; dryRun?: boolean; urgent?: string; json?: boolean }, command: Command) => {
        const [{ parseDuration }, { promoteService }, { deployJson }] = await Promise.all([
          import("../../config/units.js"),
          import("../../app/promote.js"),
          import("../../app/deploy.js"),
        ]);
        const waitMs = options.wait === undefined ? 0 : parseDuration(options.wait);
        if (waitMs === undefined) throw new SlipwayError("USAGE", `--wait takes a duration like 30s or 5m, not "${options.wait}"`);
        const input = {
          service,
          from: options.from,
          to: options.to,
          waitMs,
          ...(options.dryRun === true ? { dryRun: true } : {}),
          ...(options.urgent === undefined ? {} : { urgent: urgentReason(options.urgent) }),
        };
        const outcome = await remoteOrLocal(
          command,
          (remote) => remote.call<PromoteOutcome>("POST", "/api/v1/promotions", input),
          async (context) => settled(await promoteService(context, { ...input, trigger: `promote:${options.from}` }, stderrLog)),
        );
        if (options.json) printJson({ ...deployJson(outcome), image: outcome.image, from: outcome.from });
        else process.stdout.write(`promoted from ${outcome.from.environment} (revision ${outcome.from.revision}): ${deployText(outcome, await fleetWords())}`);
      },
    );

  program
    .command("status")
    .description("what runs where: per environment and service, the revision, image, containers, health and last deployment")
    .option("--json", "print the status as JSON")
    .action(async (options: { json?: boolean }, command: Command) => {
      const rows = await remoteOrLocal(
        command,
        (remote) => remote.call<StatusRow[]>("GET", "/api/v1/status"),
        async (context) => (await import("../../app/status.js")).serviceStatus(context),
      );
      if (options.json) printJson(rows);
      else process.stdout.write(renderStatus(rows));
    });

  program
    .command("history")
    .description("the deployments of a service, newest first, with their outcome and steps")
    .argument("<service>", "a service of slipway.yml")
    .option("-e, --env <environment>", "the environment")
    .option("-n, --limit <n>", "how many deployments", "20")
    .option("--logs", "show the logs kept with failed deployments")
    .option("--json", "print the history as JSON")
    .action(async (service: string, options: TargetOptions & { limit: string; logs?: boolean }, command: Command) => {
      const [{ chooseEnvironment }, { serviceHistory }] = await Promise.all([import("../../deploy/spec-from-config.js"), import("../../app/history.js")]);
      const limit = Number(options.limit) || 20;
      const history = await remoteOrLocal(
        command,
        (remote) => {
          const query = new URLSearchParams({ limit: String(limit), logs: String(options.logs === true || options.json === true) });
          if (options.env !== undefined) query.set("environment", options.env);
          return remote.call<History>("GET", `/api/v1/services/${encodeURIComponent(service)}/history?${query.toString()}`);
        },
        async (context) => {
          const environment = chooseEnvironment(context.loaded.config, options.env);
          return { service, environment, deployments: await serviceHistory(context, { service, environment, limit }) };
        },
      );
      if (options.json) printJson(history.deployments);
      else process.stdout.write(renderHistory(history, options.logs === true, await fleetWords()));
    });

  program
    .command("logs")
    .description("the output of a service's running containers")
    .argument("<service>", "a service of slipway.yml")
    .option("-e, --env <environment>", "the environment")
    .option("-f, --follow", "keep printing new output")
    .option("--tail <n>", "lines from the end of each container's log", "100")
    .action(async (service: string, options: { env?: string; follow?: boolean; tail: string }, command: Command) => {
      const [{ chooseEnvironment }, { listReplicas }, { placeService }] = await Promise.all([
        import("../../deploy/spec-from-config.js"),
        import("../../deploy/replicas.js"),
        import("../../config/placement.js"),
      ]);
      await withProject(command, async (project) => {
        const environment = chooseEnvironment(project.loaded.config, options.env);
        // On several hosts: every host's replicas, named HOST/CONTAINER.
        const hosts = placeService(project.loaded.config, service, environment);
        const engines = hosts === undefined ? [{ label: "", engine: await project.engine(environment) }] : [];
        for (const host of hosts ?? []) engines.push({ label: `${host}/`, engine: await project.engine(undefined, host) });
        const replicas = (
          await Promise.all(
            engines.map(async ({ label, engine }) =>
              (await listReplicas(engine, service, environment)).filter((r) => r.running).map((r) => ({ ...r, name: `${label}${r.name}`, engine })),
            ),
          )
        ).flat();
        if (replicas.length === 0)
          throw new SlipwayError("CONTAINER_NOT_FOUND", `${service} (${environment}) has no running container`, {
            hint: `deploy it: slipway deploy ${service}`,
          });
        const tail = Number(options.tail) || 100;
        const prefix = (name: string, text: string): string => (replicas.length > 1 ? text.replace(/^(?=.)/gm, `${name} | `) : text);
        if (!options.follow) {
          for (const r of replicas) {
            const { stdout, stderr } = await r.engine.logs(r.id, { tail });
            process.stdout.write(prefix(r.name, stdout));
            process.stderr.write(prefix(r.name, stderr));
          }
          return;
        }
        const controller = new AbortController();
        process.once("SIGINT", () => controller.abort());
        await Promise.all(
          replicas.map(async (r) => {
            for await (const chunk of r.engine.followLogs(r.id, { tail, signal: controller.signal })) {
              (chunk.stream === "stderr" ? process.stderr : process.stdout).write(prefix(r.name, chunk.text));
            }
          }),
        );
      });
    });
}

/** The outcome of a local deployment, or its error thrown as the CLI reports it. */
function settled<T>(attempt: Attempt<T>): T {
  if (!attempt.ok) throw attempt.error;
  return attempt.value;
}

function renderStatus(rows: readonly StatusRow[]): string {
  if (rows.length === 0) return "no services in slipway.yml\n";
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(
      `${row.service} (${row.environment}): ${row.revision === undefined ? "not deployed" : `revision ${row.revision}, ${row.image}`}${row.since === undefined ? "" : ` since ${row.since}`}`,
    );
    for (const c of row.containers) lines.push(`    ${c.name}  ${c.state}${c.health === undefined ? "" : ` (${c.health})`}  revision ${c.revision}`);
    for (const host of row.hosts ?? []) {
      const runs =
        host.revision === undefined
          ? "nothing running"
          : `revision ${host.revision}, ${host.image ?? "?"}${host.digest === undefined ? "" : ` (${host.digest.slice(0, 19)})`}`;
      lines.push(`    host ${host.host} (${host.address}): ${runs}${host.since === undefined ? "" : ` since ${host.since}`}`);
      for (const c of host.containers) lines.push(`      ${c.name}  ${c.state}${c.health === undefined ? "" : ` (${c.health})`}  revision ${c.revision}`);
    }
    if (row.lastDeployment !== undefined) {
      const d = row.lastDeployment;
      lines.push(`    last deployment ${d.id}: ${d.status}${d.error === undefined ? "" : ` (${d.error})`} at ${d.startedAt}`);
    }
    if (row.autoUpdate !== undefined) lines.push(`    auto-update: ${autoUpdateText(row.autoUpdate)}, checked at ${row.autoUpdate.checkedAt}`);
    if (row.frozen !== undefined) lines.push(`    frozen until ${row.frozen.until} by ${row.frozen.by}: ${row.frozen.reason}`);
    for (const held of row.held ?? []) lines.push(`    held #${held.id}: ${held.image} (${held.trigger} by ${held.requestedBy}) waits: ${held.waiting}`);
    if (row.drift !== undefined) {
      lines.push("    DRIFT: what runs differs from this revision; `slipway reconcile` repairs it:");
      for (const step of row.drift) lines.push(`      ${step}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function autoUpdateText(check: NonNullable<StatusRow["autoUpdate"]>): string {
  switch (check.status) {
    case "current":
      return `current (${check.tag})`;
    case "updated":
      return `updated to ${check.tag}`;
    case "available":
      return `${check.tag} available (monitor: not deployed)`;
    case "waiting":
      return `waiting for ${check.tag} (${check.waiting ?? "min_age"})`;
    case "held":
      return `${check.tag} held as #${check.held ?? "?"} (${check.waiting ?? "its gate"})`;
    case "stopped":
      return `${check.tag} not taken: ${check.error ?? "stopped"}`;
    case "failed":
      return `${check.tag} failed${check.error === undefined ? "" : `: ${check.error}`}`;
  }
}

function renderHistory(history: History, logs: boolean, { HOSTS_STEP }: FleetWords): string {
  if (history.deployments.length === 0) return `${history.service} (${history.environment}) has no deployments yet\n`;
  let text = "";
  for (const d of history.deployments) {
    const took = d.finishedAt === undefined ? "" : ` in ${formatDuration(Date.parse(d.finishedAt) - Date.parse(d.startedAt))}`;
    text += `#${d.id} ${d.startedAt} ${d.status}${took}: revision ${d.fromRevision ?? "-"} -> ${d.toRevision} (${d.revisionImage ?? "?"}), ${d.strategy}, by ${d.trigger}\n`;
    if (d.error !== undefined) text += `    ${d.error}\n`;
    const steps = d.steps.filter((s) => s.name !== RELEASE_NOTES_STEP && s.name !== HOSTS_STEP);
    text += `    steps: ${steps.map((s) => `${s.name}${s.status === "done" ? "" : `(${s.status})`}`).join(" > ")}\n`;
    const hosts = d.steps.find((s) => s.name === HOSTS_STEP)?.detail.hosts;
    if (Array.isArray(hosts))
      text += `    hosts: ${(hosts as HostReport[]).map((h) => `${h.host} ${h.outcome}${h.detail === undefined ? "" : ` (${h.detail})`}`).join(", ")}\n`;
    if (d.changes !== undefined) text += releaseNotesText(d.changes);
    if (logs && d.log !== undefined && d.log !== "") text += `${d.log.replace(/^/gm, "    | ")}\n`;
  }
  return text;
}

/** An --urgent reason: one line a person wrote, not empty. */
function urgentReason(text: string): string {
  const reason = text.trim();
  if (reason === "" || reason.includes("\n"))
    throw new SlipwayError("USAGE", "--urgent takes a reason, one line saying why this deploy cannot wait", {
      hint: 'e.g. --urgent "fix for the checkout outage"',
    });
  return reason;
}

/** A deployment's release notes under it in `slipway history`: the commit subjects, one a line. */
function releaseNotesText(notes: ReleaseNotes): string {
  const lines = releaseNotesLines(notes);
  if (lines.length === 0) return "    changes: none (the same commits)\n";
  return `    changes:\n${lines.map((line) => `      ${line}\n`).join("")}`;
}

/** What `slipway deploy` and `slipway down` print for people. */
export function deployText(outcome: DeployOutcome, fleet: FleetWords): string {
  const who = `${outcome.service} (${outcome.environment})`;
  const steps = (outcome.steps ?? []).map((line) => `  ${line}\n`).join("");
  switch (outcome.status) {
    case "planned":
      return steps === ""
        ? `${who}: nothing to do (revision ${outcome.revision} runs as declared)\n`
        : `${who}: revision ${outcome.revision} would be deployed in these steps (dry run; nothing was touched):\n${steps}`;
    case "unchanged":
      return steps === ""
        ? `${who} already runs revision ${outcome.revision} with this spec and image; nothing to do (--force redeploys)\n`
        : `${who} already runs revision ${outcome.revision} with this spec and image; repaired what had drifted:\n${steps}`;
    case "succeeded":
      return `${who} now runs revision ${outcome.revision} (${outcome.image}), deployment ${outcome.deployment ?? "?"}\n${hostsText(outcome.hosts, fleet)}`;
    case "queued": {
      const held = outcome.held;
      const running = outcome.revision === 0 ? "nothing runs yet" : `revision ${outcome.revision} keeps running`;
      return (
        `${who}: held as #${held?.id ?? "?"}, not deployed yet (${running}): ${held?.waiting ?? "waiting"}\n` +
        `  it deploys ${outcome.image} when its gate opens (the controller, slipway serve, runs it); slipway queue lists it\n`
      );
    }
  }
}

/** Under a deployment on several hosts: each host that was not simply updated, one a line. */
function hostsText(hosts: readonly HostReport[] | undefined, { hostList }: FleetWords): string {
  if (hosts === undefined) return "";
  const updated = hosts.filter((h) => h.outcome === "updated").map((h) => h.host);
  const others = hosts.filter((h) => h.outcome !== "updated");
  return `  on ${updated.length === 0 ? "no host" : hostList(updated)}\n${others.map((h) => `  ${h.host}: ${h.outcome}${h.detail === undefined ? "" : ` (${h.detail})`}\n`).join("")}`;
}
