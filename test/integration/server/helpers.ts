import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../../src/config/index.js";
import { startController, type Controller } from "../../../src/controller/controller.js";
import type { Engine } from "../../../src/engine/index.js";
import { startManagedProxy, type ProxyHandle } from "../../../src/proxy/index.js";
import { createApiToken } from "../../../src/server/tokens.js";
import { openSqliteStore, type Store } from "../../../src/store/index.js";
import { freePort } from "../proxy/helpers.js";
import { runSlipway, type CliRun } from "../../harness/cli.js";

/** A temp project (slipway.yml), its state dir and store, a real Caddy, and a controller listening on a free loopback port. */
export interface ApiWorld {
  readonly projectDir: string;
  readonly stateDir: string;
  readonly store: Store;
  readonly controller: Controller;
  readonly proxy: ProxyHandle;
  /** A live token named "test". */
  readonly token: string;
  stop(): Promise<void>;
}

export async function startApiWorld(engine: Engine, config: Record<string, unknown>, options: { dashboard?: boolean } = {}): Promise<ApiWorld> {
  const projectDir = mkdtempSync(join(tmpdir(), "slipway-api-"));
  const stateDir = join(projectDir, "state");
  const proxy = await startManagedProxy({ stateDir, adminAddress: `127.0.0.1:${await freePort()}` });
  // The controller's deployments, and the remote CLI's, use this Caddy: named by proxy.admin.
  writeFileSync(join(projectDir, "slipway.yml"), `${JSON.stringify({ ...config, proxy: { admin: proxy.adminUrl } }, null, 2)}\n`); // JSON is YAML
  const loaded = await loadConfig({ path: join(projectDir, "slipway.yml") });
  const store = openSqliteStore(join(stateDir, "slipway.db"));
  const { token } = await createApiToken(store, "test");
  const controller = await startController({
    loaded,
    stateDir,
    store,
    engine,
    listen: { host: "127.0.0.1", port: 0 },
    ...(options.dashboard === true ? { dashboard: { listen: { host: "127.0.0.1", port: 0 }, sessionTtlMs: 3_600_000 } } : {}),
    logger: false,
  });
  return {
    projectDir,
    stateDir,
    store,
    controller,
    proxy,
    token,
    async stop() {
      await controller.stop();
      await store.close();
      await proxy.stop();
      rmSync(projectDir, { recursive: true, force: true });
    },
  };
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** One request to the controller with fetch; `token` undefined sends no Authorization header. */
export async function api(world: ApiWorld, method: string, path: string, options: { token?: string | null; body?: unknown } = {}): Promise<ApiAnswer> {
  const token = options.token === undefined ? world.token : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${world.controller.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

export type { CliRun };

/** bin/slipway.js with `args` in `cwd`, with extra environment variables (undefined removes one). */
export function slipway(cwd: string, args: readonly string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return runSlipway(args, { cwd, env });
}

/** The `error` object of an API error answer. */
export function errorOf(answer: ApiAnswer): { code: string; message: string; hint?: string; details?: string[] } {
  const error = (answer.body as { error?: { code: string; message: string; hint?: string; details?: string[] } } | undefined)?.error;
  if (error === undefined) throw new Error(`not an error answer: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return error;
}
