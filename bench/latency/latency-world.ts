import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../src/config/index.js";
import { startController, type Controller } from "../../src/controller/controller.js";
import { deployService, serviceSelector, specFromConfig } from "../../src/deploy/index.js";
import type { Engine } from "../../src/engine/index.js";
import { webCommand, type DeployWorld } from "../../test/harness/deploy.js";
import { testName } from "../../test/harness/labels.js";
import { startRegistry, type TestRegistry } from "../../test/harness/registry.js";
import { freePort } from "../../test/integration/proxy/helpers.js";
import { copyManifest } from "../build-graph/registry-copy.js";
import { captureLog, type LogEntry } from "./log-capture.js";
import { stageImage, type StagedImage } from "./staged-image.js";

/** How the controller learns of a push: the registry's notification, or polling every `intervalMs`. */
export type Mode = { readonly kind: "notify" } | { readonly kind: "poll"; readonly intervalMs: number };

export const WATCHED_REPOSITORY = "bench-latency/watched";
export const WATCHED_TAG = "qa";
const TOKEN = "bench-latency-notification-token";

/** One mode's setup: its own registry, a service watching a tag in it, and `slipway serve` in process. */
export interface LatencyWorld {
  readonly mode: Mode;
  readonly registry: TestRegistry;
  readonly controller: Controller;
  readonly service: string;
  /** The service's published port, served by Caddy. */
  readonly url: string;
  /** The controller's log lines. */
  readonly log: readonly LogEntry[];
  /** The image serving before round 1, and one image per round, all staged (not on the engine). */
  readonly rounds: readonly StagedImage[];
  /** An image for the floor (pulled and removed again every round). */
  readonly floorImage: StagedImage;
  /** Puts `image` under the watched tag through the registry API (blob mounts + manifest PUT). */
  push(image: StagedImage): Promise<void>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  readonly engine: Engine;
  readonly deploy: DeployWorld;
  readonly mode: Mode;
  readonly rounds: number;
  readonly layerKib: number;
  readonly log: (line: string) => void;
}

export function modeName(mode: Mode): string {
  return mode.kind === "notify" ? "notify" : `poll-${mode.intervalMs / 1000}s`;
}

/**
 * Starts one mode: a registry (with `notifications.endpoints` pointing at the controller in
 * notify mode, none in poll mode), a slipway.yml whose service watches WATCHED_REPOSITORY:qa
 * with `update: { auto: true, strategy: blue-green }`, the first version deployed, the
 * round images staged, then the controller.
 */
export async function startLatencyWorld(options: WorldOptions): Promise<LatencyWorld> {
  const { engine, deploy, mode } = options;
  const name = modeName(mode);
  const controllerPort = await freePort();
  const registry = await startRegistry(mode.kind === "notify" ? { notify: { url: `http://127.0.0.1:${controllerPort}/hooks/registry`, token: TOKEN } } : {});
  const configDir = mkdtempSync(join(tmpdir(), "slipway-bench-latency-"));
  const service = testName(`latency-${name}`);
  let controller: Controller | undefined;
  const cleanup = async (): Promise<void> => {
    await controller?.stop();
    for (const c of await engine.listContainers({ labels: serviceSelector(service, "default"), all: true }))
      await engine.removeContainer(c.id, { force: true });
    await registry.stop();
    rmSync(configDir, { recursive: true, force: true });
  };
  try {
    const ref = `${registry.host}/${WATCHED_REPOSITORY}:${WATCHED_TAG}`;
    const published = await freePort();
    writeFileSync(join(configDir, "slipway.yml"), configText({ mode, controllerPort, adminUrl: deploy.handle.adminUrl, service, ref, published }));
    const loaded = await loadConfig({ cwd: configDir, env: {} });
    const push = (image: StagedImage): Promise<void> => copyManifest(registry.url, image.manifest, WATCHED_REPOSITORY, WATCHED_TAG);

    options.log(`${name}: staging ${options.rounds + 2} images of a ${options.layerKib} KiB layer each in ${registry.host}`);
    const first = await stageImage(engine, registry, `${name}-v0`, options.layerKib);
    const floorImage = await stageImage(engine, registry, `${name}-floor`, options.layerKib);
    const rounds: StagedImage[] = [];
    for (let round = 1; round <= options.rounds; round += 1) rounds.push(await stageImage(engine, registry, `${name}-r${round}`, options.layerKib));

    await push(first);
    const spec = specFromConfig({ config: loaded.config, configDir, service, environment: "default", image: `${ref}@${first.digest}` });
    const initial = await deployService(deploy.ports, { spec, trigger: "bench" });
    if (initial.status !== "succeeded") throw new Error(`${name}: the first deployment was ${initial.status}`);

    const captured = captureLog();
    controller = await startController({
      loaded,
      stateDir: deploy.stateDir,
      store: deploy.store,
      engine,
      listen: { host: "127.0.0.1", port: controllerPort },
      logger: { level: "info", stream: captured.stream },
    });
    await settle(mode, captured.entries, first.digest);
    await controller.queue.idle();
    const started = controller;
    return {
      mode,
      registry,
      controller: started,
      service,
      url: `http://127.0.0.1:${published}/`,
      log: captured.entries,
      rounds,
      floorImage,
      push,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup().catch((failure: unknown) => options.log(`${name}: cleanup after a failed start: ${String(failure)}`));
    throw error;
  }
}

/**
 * Before round 1: in notify mode the registry re-sends what it could not deliver before the
 * controller listened (the staging pushes, then the first version's tag) — wait until the last
 * of those arrived; in poll mode the tag poller's first check (within interval x jitter) sees
 * the digest that runs. Either way the controller finds nothing to do.
 */
async function settle(mode: Mode, log: readonly LogEntry[], firstDigest: string): Promise<void> {
  if (mode.kind === "poll") return sleep(mode.intervalMs * 0.1 + 500);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (log.some((entry) => entry.msg.startsWith("webhook from") && JSON.stringify(entry.hints ?? []).includes(firstDigest))) return;
    await sleep(50);
  }
  throw new Error("the registry's notification of the first version did not reach the controller within 30 s");
}

function configText(input: { mode: Mode; controllerPort: number; adminUrl: string; service: string; ref: string; published: number }): string {
  const { mode } = input;
  return [
    "controller:",
    `  listen: 127.0.0.1:${input.controllerPort}`,
    `  watch_interval: ${mode.kind === "notify" ? "1h" : `${mode.intervalMs}ms`}`,
    ...(mode.kind === "notify" ? [`  webhooks: { registry: { token: ${TOKEN} } }`] : []),
    "proxy:",
    `  admin: ${input.adminUrl}`,
    "services:",
    `  ${input.service}:`,
    `    image: ${input.ref}`,
    `    command: ${JSON.stringify(webCommand(8080)).replaceAll("$", "$$$$")}`,
    `    ports: ["127.0.0.1:${input.published}:8080"]`,
    "    stop_grace_period: 2s",
    "    health: { http: /, interval: 200ms, deadline: 10s }",
    "    update: { strategy: blue-green, drain: 300ms, auto: true }",
    "",
  ].join("\n");
}
