import type { Command } from "commander";
import { SlipwayError, formatError } from "../../errors/index.js";
import { printJson } from "../context.js";
import { withProject } from "../project.js";
import { projectContext } from "../remote.js";
import type { Store } from "../../store/index.js";

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** slipway doctor: checks that everything Slipway drives answers, one line each. */
export function registerDoctorCommand(program: Command): void {
  program
    .command("doctor")
    .description("check the config, the Docker engine, the registry, the store and every source, and say how to fix what fails")
    .option("--json", "print the checks as JSON")
    .action(async (options: { json?: boolean }, command: Command) => {
      const [{ openBuildSession }, { placedHosts }] = await Promise.all([import("../../builder/session.js"), import("../../config/placement.js")]);
      await withProject(command, async (project) => {
        const config = project.loaded.config;
        const checks: Check[] = [{ name: "config", ok: true, detail: project.loaded.path }];
        const run = async (name: string, probe: () => Promise<string>): Promise<void> => {
          try {
            checks.push({ name, ok: true, detail: await probe() });
          } catch (error) {
            checks.push({ name, ok: false, detail: formatError(error, { debug: false }).replace(/\n/g, "\n    ") });
          }
        };
        const describeEngine = async (environment?: string, host?: string): Promise<string> => {
          const engine = await project.engine(environment, host);
          const version = await engine.version();
          const remote = environment === undefined && host === undefined ? "" : `${engine.address}: `;
          return `${remote}Docker ${version.version} (API ${version.apiVersion}, speaking ${engine.apiVersion})`;
        };
        await run("engine", () => describeEngine());
        const { connectHostProxy, connectNamedProxy, proxyName } = await import("../../host-proxy/index.js");
        const describeHostProxy = async (environment: string | undefined, host?: string): Promise<string> => {
          const engine = await project.engine(environment, host);
          const named = host === undefined ? undefined : config.hosts[host]?.proxy;
          if (named !== undefined) {
            const routes = await (await connectNamedProxy(engine, named)).listRoutes();
            return `${named.container} on ${engine.address} answers, ${routes.length} route${routes.length === 1 ? "" : "s"}`;
          }
          if (engine.transport === "unix") return "this machine's proxy";
          try {
            const routes = await (await connectHostProxy(engine)).listRoutes();
            return `${proxyName(engine)} answers, ${routes.length} route${routes.length === 1 ? "" : "s"}`;
          } catch (error) {
            // not started yet is fine: the first deploy of a service with ports starts it
            if (error instanceof SlipwayError && /is not running \(no container\)/.test(error.message))
              return `${proxyName(engine)}: none yet (a deploy starts it)`;
            throw error;
          }
        };
        // Each host of hosts: that an environment runs on: its engine and the proxy Slipway runs there.
        for (const name of placedHosts(config)) {
          await run(`engine host ${name}`, () => describeEngine(undefined, name));
          await run(`proxy host ${name}`, () => describeHostProxy(undefined, name));
        }
        for (const [name, environment] of Object.entries(config.environments)) {
          if (environment.docker_host === undefined) continue;
          await run(`engine ${name}`, () => describeEngine(name));
          await run(`proxy ${name}`, () => describeHostProxy(name));
        }
        await run("store", async () => `${project.store().location}, schema version ${await project.store().schemaVersion()}`);
        if (project.store().kind === "postgres") await run("controller", () => describeLeader(project.store(), config.controller?.scope));
        const session = openBuildSession({ config, configDir: project.loaded.dir, stateDir: project.stateDir, store: project.store() });
        if (config.registry !== undefined) {
          const registry = config.registry;
          await run(`registry ${registry.host}`, async () => {
            const client = session.registries.client(registry.host);
            await client.ping();
            return `${client.baseUrl} answers`;
          });
        }
        for (const [name, source] of Object.entries(config.sources)) {
          await run(`source ${name}`, async () => `${source.branch} at ${(await session.sources.head(name)).slice(0, 7)}`);
        }
        await run("services", async () => {
          const { reconcileServices } = await import("../../app/reconcile.js");
          const rows = await reconcileServices(projectContext(project), { dryRun: true }, () => undefined);
          const drifted = rows.filter((row) => row.outcome === "drift" || row.outcome === "failed");
          if (drifted.length > 0) {
            throw new SlipwayError(
              "CHECKS_FAILED",
              `${drifted.map((row) => `${row.service} (${row.environment})`).join(", ")} drifted from the current revision`,
              {
                details: drifted.flatMap((row) => [`${row.service} (${row.environment}): ${row.error ?? "repair:"}`, ...row.steps.map((step) => `  ${step}`)]),
                hint: "`slipway reconcile` repairs it (slipway serve does by itself)",
              },
            );
          }
          const deployed = rows.filter((row) => row.outcome === "in-sync").length;
          return `${deployed} deployed service${deployed === 1 ? "" : "s"} run as their current revision`;
        });
        if (options.json) printJson({ ok: checks.every((c) => c.ok), checks });
        else for (const check of checks) process.stdout.write(`${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}\n`);
        const failed = checks.filter((c) => !c.ok);
        if (failed.length > 0) {
          throw new SlipwayError("CHECKS_FAILED", `${failed.length} of ${checks.length} checks failed: ${failed.map((c) => c.name).join(", ")}`, {
            hint: "each failed check above says what to do",
          });
        }
      });
    });
}

/** Who leads the controllers sharing a PostgreSQL store, since when, and until when its lease runs. */
async function describeLeader(store: Store, scope: string | undefined): Promise<string> {
  const { leadershipName } = await import("../../controller/leadership.js");
  const leader = await store.getLeadership(leadershipName(scope));
  if (leader === undefined) return "no controller has led yet (start one with: slipway serve)";
  const left = leader.expiresAt.getTime() - Date.now();
  if (left <= 0) return `no controller leads: the lease of ${leader.holder} (epoch ${leader.epoch}) ran out at ${leader.expiresAt.toISOString()}`;
  return `${leader.holder} leads since ${leader.since.toISOString()} (epoch ${leader.epoch}), its lease renewed until ${leader.expiresAt.toISOString()}`;
}
