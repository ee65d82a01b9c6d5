import type { Command } from "commander";
import type { ListenAddress } from "../../config/controller-schema.js";
import { SlipwayError } from "../../errors/index.js";
import { printJson } from "../context.js";
import { withProject } from "../project.js";

const DEFAULT_LISTEN = "127.0.0.1:8420";
const DEFAULT_DASHBOARD = "127.0.0.1:8421";
const TWELVE_HOURS = 12 * 3_600_000;

async function listenAddress(value: string | ListenAddress): Promise<ListenAddress> {
  if (typeof value !== "string") return value;
  const { parseListen } = await import("../../config/controller-schema.js");
  const parsed = parseListen(value);
  if (parsed === undefined) {
    throw new SlipwayError("USAGE", `--listen ${value} is not host:port`, { hint: `e.g. ${DEFAULT_LISTEN}, or 0.0.0.0:8420 to listen on every interface` });
  }
  return parsed;
}

/** What a token may do: "full", or "read-only" (GET and HEAD only). */
function scopeOf(token: { readonly readOnly: boolean }): "full" | "read-only" {
  return token.readOnly ? "read-only" : "full";
}

/** Where the dashboard listens: --dashboard (host:port or off), else controller.dashboard (false: off), else its default; undefined when off. */
async function dashboardAddress(flag: string | undefined, configured: false | { listen: ListenAddress } | undefined): Promise<ListenAddress | undefined> {
  if (flag !== undefined) {
    if (flag === "off") return undefined;
    const { parseListen } = await import("../../config/controller-schema.js");
    const parsed = parseListen(flag);
    if (parsed === undefined)
      throw new SlipwayError("USAGE", `--dashboard ${flag} is not host:port or off`, { hint: `e.g. ${DEFAULT_DASHBOARD}, or off for no dashboard` });
    return parsed;
  }
  if (configured === false) return undefined;
  return configured?.listen ?? listenAddress(DEFAULT_DASHBOARD);
}

/** slipway serve | token: the long-running controller and the API tokens it accepts. */
export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("run the controller: webhooks, pollers, pipelines, auto-update, scheduled jobs, the HTTP API and the dashboard")
    .option("--listen <host:port>", `where the HTTP server listens (default: controller.listen, else ${DEFAULT_LISTEN})`)
    .option("--dashboard <host:port|off>", `where the dashboard listens, or off (default: controller.dashboard.listen, else ${DEFAULT_DASHBOARD})`)
    .option("--log-level <level>", "trace, debug, info, warn or error", "info")
    .action(async (options: { listen?: string; dashboard?: string; logLevel: string }, command: Command) => {
      const { startController } = await import("../../controller/controller.js");
      await withProject(command, async (project) => {
        const settings = project.loaded.config.controller;
        const listen = await listenAddress(options.listen ?? settings?.listen ?? DEFAULT_LISTEN);
        const dashboard = await dashboardAddress(options.dashboard, settings?.dashboard);
        const controller = await startController({
          ...(dashboard === undefined
            ? {}
            : { dashboard: { listen: dashboard, sessionTtlMs: settings?.dashboard === false ? TWELVE_HOURS : (settings?.dashboard.session ?? TWELVE_HOURS) } }),
          loaded: project.loaded,
          stateDir: project.stateDir,
          store: project.store(),
          engine: await project.engine(),
          listen,
          logger: { level: options.logLevel },
        });
        await new Promise<void>((resolve) => {
          const stop = (signal: NodeJS.Signals): void => {
            controller.app.log.info({ signal }, "signal received");
            void controller.stop().then(resolve);
          };
          process.once("SIGTERM", stop);
          process.once("SIGINT", stop);
        });
      });
    });

  const token = program.command("token").description("API tokens for the controller's HTTP API (stored hashed)");
  token
    .command("create")
    .description("create a token and print it once; only its hash is kept")
    .argument("<name>", "who or what uses it, e.g. ci")
    .option("--read-only", "a token that can see and cannot act: the HTTP API answers its GET and HEAD requests only")
    .option("--json", "print {name, scope, token} as JSON")
    .action(async (name: string, options: { json?: boolean; readOnly?: boolean }, command: Command) => {
      const { createApiToken } = await import("../../server/tokens.js");
      await withProject(command, async (project) => {
        const { token: value, record } = await createApiToken(project.store(), name, { readOnly: options.readOnly === true });
        if (options.json) printJson({ name, scope: scopeOf(record), token: value });
        else process.stdout.write(`${value}\n`);
        process.stderr.write(
          `${record.readOnly ? "read-only token" : "token"} ${name} created; it is shown only now. Send it as: Authorization: Bearer <token> (the CLI reads SLIPWAY_TOKEN)\n`,
        );
      });
    });
  token
    .command("list")
    .description("the tokens' names, scopes (full or read-only), when they were created and last used (never the tokens)")
    .option("--json", "print as JSON")
    .action(async (options: { json?: boolean }, command: Command) => {
      await withProject(command, async (project) => {
        const tokens = await project.store().listTokens();
        if (options.json) {
          printJson(tokens.map((t) => ({ name: t.name, scope: scopeOf(t), createdAt: t.createdAt, lastUsedAt: t.lastUsedAt ?? null })));
          return;
        }
        if (tokens.length === 0) process.stdout.write("no tokens; create one with: slipway token create NAME\n");
        const width = Math.max(0, ...tokens.map((t) => t.name.length));
        for (const t of tokens) {
          const scope = scopeOf(t).padEnd("read-only".length);
          process.stdout.write(
            `${t.name.padEnd(width)}  ${scope}  created ${t.createdAt.toISOString()}  last used ${t.lastUsedAt?.toISOString() ?? "never"}\n`,
          );
        }
      });
    });
  token
    .command("revoke")
    .description("revoke a token: requests with it are refused from now on")
    .argument("<name>", "the token's name")
    .action(async (name: string, _options: unknown, command: Command) => {
      await withProject(command, async (project) => {
        if (!(await project.store().revokeToken(name))) {
          throw new SlipwayError("USAGE", `there is no token named ${name}`, { hint: "slipway token list shows them" });
        }
        process.stdout.write(`token ${name} revoked\n`);
      });
    });
}
