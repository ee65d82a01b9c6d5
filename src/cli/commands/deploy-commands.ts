import type { Command } from "commander";
import { createDeployPorts } from "../../app/deploy-ports.js";
import { serviceImage } from "../../app/service-image.js";
import { openBuildSession } from "../../build/session.js";
import { parseDuration } from "../../config/index.js";
import {
  chooseEnvironment,
  currentRevision,
  deployService,
  listReplicas,
  specFromConfig,
  type DeployPorts,
  type ServiceSpec,
} from "../../deploy/index.js";
import { SlipwayError } from "../../errors/index.js";
import { parseReference } from "../../reference/index.js";
import type { RevisionRecord } from "../../store/index.js";
import { printJson } from "../context.js";
import { formatDuration } from "../progress.js";
import { withProject, type Project } from "../project.js";

interface TargetOptions {
  env?: string;
  json?: boolean;
}

/** slipway deploy | rollback | status | history | logs: services and what runs where. */
export function registerDeployCommands(program: Command): void {
  program
    .command("deploy")
    .description("deploy a service from its committed definition, health-gated, rolling back by itself on failure")
    .argument("<service>", "a service of slipway.yml")
    .option("-e, --env <environment>", "the environment (default: the only one declared, or \"default\")")
    .option("--image <ref>", "deploy this image reference instead of the newest build of the service's image")
    .option("--force", "deploy even when the same spec and image already run")
    .option("--wait <duration>", "wait this long for another deployment of the service to finish (e.g. 5m)")
    .option("--json", "print the result as JSON")
    .action(async (service: string, options: TargetOptions & { image?: string; force?: boolean; wait?: string }, command: Command) => {
      const waitMs = options.wait === undefined ? 0 : parseDuration(options.wait);
      if (waitMs === undefined) throw new SlipwayError("USAGE", `--wait takes a duration like 30s or 5m, not "${options.wait}"`);
      if (options.image !== undefined) parseReference(options.image);
      await withProject(command, async (project) => {
        const environment = chooseEnvironment(project.loaded.config, options.env);
        const image = options.image ?? (await resolveImage(project, service));
        const spec = specFromConfig({ config: project.loaded.config, configDir: project.loaded.dir, service, environment, image });
        const ports = await deployPorts(project, spec);
        const result = await deployService(ports, { spec, trigger: "cli", force: options.force === true, waitMs });
        if (options.json) printJson(result.status === "unchanged" ? result : { status: result.status, revision: result.revision, deployment: result.deployment.id });
        else if (result.status === "unchanged") process.stdout.write(`${service} (${environment}) already runs revision ${result.revision} with this spec and image; nothing to do (--force redeploys)\n`);
        else process.stdout.write(`${service} (${environment}) now runs revision ${result.revision} (${image}), deployment ${result.deployment.id}\n`);
      });
    });

  program
    .command("rollback")
    .description("deploy an earlier revision again (its recorded spec and its image, kept locally)")
    .argument("<service>", "a service of slipway.yml")
    .option("-e, --env <environment>", "the environment")
    .option("--to <revision>", "the revision to go back to (default: the one before the current)")
    .option("--json", "print the result as JSON")
    .action(async (service: string, options: TargetOptions & { to?: string }, command: Command) => {
      await withProject(command, async (project) => {
        const environment = chooseEnvironment(project.loaded.config, options.env);
        const store = project.store();
        const target = await rollbackTarget(project, service, environment, options.to);
        const spec = { ...(target.spec as unknown as ServiceSpec) };
        const ports = await deployPorts(project, spec);
        const result = await deployService(ports, { spec, trigger: "rollback", revision: target, force: true });
        await store.appendAudit({ actor: ports.holder, action: "deploy.rollback", subject: service, detail: { environment, to: target.revision } });
        if (options.json) printJson({ status: result.status, revision: target.revision });
        else process.stdout.write(`${service} (${environment}) rolled back to revision ${target.revision} (${target.image})\n`);
      });
    });

  program
    .command("status")
    .description("what runs where: per environment and service, the revision, image, containers, health and last deployment")
    .option("--json", "print the status as JSON")
    .action(async (options: { json?: boolean }, command: Command) => {
      await withProject(command, async (project) => {
        const rows = await statusRows(project);
        if (options.json) {
          printJson(rows);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write("no services in slipway.yml\n");
          return;
        }
        for (const row of rows) {
          process.stdout.write(`${row.service} (${row.environment}): ${row.revision === undefined ? "not deployed" : `revision ${row.revision}, ${row.image}`}${row.since === undefined ? "" : ` since ${row.since}`}\n`);
          for (const c of row.containers) process.stdout.write(`    ${c.name}  ${c.state}${c.health === undefined ? "" : ` (${c.health})`}  revision ${c.revision}\n`);
          if (row.lastDeployment !== undefined) {
            const d = row.lastDeployment;
            process.stdout.write(`    last deployment ${d.id}: ${d.status}${d.error === undefined ? "" : ` (${d.error})`} at ${d.startedAt}\n`);
          }
        }
      });
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
      await withProject(command, async (project) => {
        const environment = chooseEnvironment(project.loaded.config, options.env);
        const store = project.store();
        const deployments = await store.listDeployments({ service, environment, limit: Number(options.limit) || 20 });
        const withSteps = await Promise.all(deployments.map(async (d) => ({ ...d, steps: await store.listSteps(d.id), revisionImage: (await store.getRevision(service, environment, d.toRevision))?.image })));
        if (options.json) {
          printJson(withSteps);
          return;
        }
        if (withSteps.length === 0) process.stdout.write(`${service} (${environment}) has no deployments yet\n`);
        for (const d of withSteps) {
          const took = d.finishedAt === undefined ? "" : ` in ${formatDuration(d.finishedAt.getTime() - d.startedAt.getTime())}`;
          process.stdout.write(`#${d.id} ${d.startedAt.toISOString()} ${d.status}${took}: revision ${d.fromRevision ?? "-"} -> ${d.toRevision} (${d.revisionImage ?? "?"}), ${d.strategy}, by ${d.trigger}\n`);
          if (d.error !== undefined) process.stdout.write(`    ${d.error}\n`);
          process.stdout.write(`    steps: ${d.steps.map((s) => `${s.name}${s.status === "done" ? "" : `(${s.status})`}`).join(" > ")}\n`);
          if (options.logs && d.log !== "") process.stdout.write(`${d.log.replace(/^/gm, "    | ")}\n`);
        }
      });
    });

  program
    .command("logs")
    .description("the output of a service's running containers")
    .argument("<service>", "a service of slipway.yml")
    .option("-e, --env <environment>", "the environment")
    .option("-f, --follow", "keep printing new output")
    .option("--tail <n>", "lines from the end of each container's log", "100")
    .action(async (service: string, options: { env?: string; follow?: boolean; tail: string }, command: Command) => {
      await withProject(command, async (project) => {
        const environment = chooseEnvironment(project.loaded.config, options.env);
        const engine = await project.engine();
        const replicas = (await listReplicas(engine, service, environment)).filter((r) => r.running);
        if (replicas.length === 0) throw new SlipwayError("CONTAINER_NOT_FOUND", `${service} (${environment}) has no running container`, { hint: `deploy it: slipway deploy ${service}` });
        const tail = Number(options.tail) || 100;
        const prefix = (name: string, text: string): string => (replicas.length > 1 ? text.replace(/^(?=.)/gm, `${name} | `) : text);
        if (!options.follow) {
          for (const r of replicas) {
            const { stdout, stderr } = await engine.logs(r.id, { tail });
            process.stdout.write(prefix(r.name, stdout));
            process.stderr.write(prefix(r.name, stderr));
          }
          return;
        }
        const controller = new AbortController();
        process.once("SIGINT", () => controller.abort());
        await Promise.all(
          replicas.map(async (r) => {
            for await (const chunk of engine.followLogs(r.id, { tail, signal: controller.signal })) {
              (chunk.stream === "stderr" ? process.stderr : process.stdout).write(prefix(r.name, chunk.text));
            }
          }),
        );
      });
    });
}

function deployPorts(project: Project, spec: ServiceSpec): Promise<DeployPorts> {
  return project.engine().then((engine) =>
    createDeployPorts({ engine, store: project.store(), stateDir: project.stateDir, spec, log: (line) => process.stderr.write(`${line}\n`) }),
  );
}

function resolveImage(project: Project, service: string): Promise<string> {
  const config = project.loaded.config;
  return serviceImage(config, () => openBuildSession({ config, configDir: project.loaded.dir, stateDir: project.stateDir, store: project.store() }), service);
}

async function rollbackTarget(project: Project, service: string, environment: string, to: string | undefined): Promise<RevisionRecord> {
  const store = project.store();
  if (to !== undefined) {
    const number = Number(to.replace(/^r/, ""));
    const revision = Number.isInteger(number) ? await store.getRevision(service, environment, number) : undefined;
    if (revision === undefined) throw new SlipwayError("REVISION_NOT_FOUND", `${service} (${environment}) has no revision ${to}`, { hint: `slipway history ${service} lists them` });
    return revision;
  }
  const current = await currentRevision({ store }, service, environment);
  const succeeded = await store.listDeployments({ service, environment, status: "succeeded", limit: 50 });
  const earlier = succeeded.find((d) => d.toRevision !== current?.revision);
  const revision = earlier === undefined ? undefined : await store.getRevision(service, environment, earlier.toRevision);
  if (revision === undefined) {
    throw new SlipwayError("REVISION_NOT_FOUND", `${service} (${environment}) has no earlier revision to roll back to`, { hint: `slipway history ${service} lists its deployments` });
  }
  return revision;
}

interface StatusRow {
  service: string;
  environment: string;
  revision?: number;
  image?: string;
  digest?: string;
  since?: string;
  containers: { name: string; state: string; health?: string; revision: number }[];
  lastDeployment?: { id: number; status: string; error?: string; startedAt: string };
}

async function statusRows(project: Project): Promise<StatusRow[]> {
  const config = project.loaded.config;
  const store = project.store();
  const environments = Object.keys(config.environments).length === 0 ? ["default"] : Object.keys(config.environments);
  const engine = Object.keys(config.services).length === 0 ? undefined : await project.engine();
  const rows: StatusRow[] = [];
  for (const environment of environments) {
    for (const [service, definition] of Object.entries(config.services)) {
      if (definition.environments !== undefined && !definition.environments.includes(environment)) continue;
      const current = await currentRevision({ store }, service, environment);
      const [last] = await store.listDeployments({ service, environment, limit: 1 });
      const [lastOk] = await store.listDeployments({ service, environment, status: "succeeded", limit: 1 });
      const replicas = engine === undefined ? [] : await listReplicas(engine, service, environment);
      const containers = await Promise.all(
        replicas.map(async (r) => {
          const details = await engine?.inspectContainer(r.id);
          return { name: r.name, state: details?.state.status ?? "gone", ...(details?.state.health === undefined ? {} : { health: details.state.health }), revision: r.revision };
        }),
      );
      const image = current === undefined || engine === undefined ? undefined : await engine.inspectImage(current.image);
      const digest = image?.repoDigests[0]?.split("@")[1] ?? current?.digest;
      rows.push({
        service,
        environment,
        ...(current === undefined ? {} : { revision: current.revision, image: current.image }),
        ...(digest === undefined ? {} : { digest }),
        ...(lastOk?.finishedAt === undefined ? {} : { since: lastOk.finishedAt.toISOString() }),
        containers,
        ...(last === undefined ? {} : { lastDeployment: { id: last.id, status: last.status, ...(last.error === undefined ? {} : { error: last.error }), startedAt: last.startedAt.toISOString() } }),
      });
    }
  }
  return rows;
}
