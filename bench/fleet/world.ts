import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine } from "../../src/engine/index.js";
import { buildWebImages, webServiceYaml } from "../../test/harness/deploy.js";
import { ensureEngine } from "../../test/harness/engine.js";
import { cleanupTestRun, testName } from "../../test/harness/labels.js";
import { startTestHosts, type TestHost } from "../../test/harness/netns-engine.js";
import { startRegistry } from "../../test/harness/registry.js";

/** The versions every method moves between. */
export type Version = "v1" | "v2";

/** The published port of each service on every host it runs on (the hosts are fresh namespaces: nothing else listens there). */
export const SERVICE_PORTS = { fleet: 8081, one: 8082, script: 8083 } as const;

/**
 * Everything the rounds share: three netns hosts (plain tcp) pulling from a loopback registry,
 * images v1 and v2 pushed there, and a project dir whose slipway.yml has hosts a, b and c,
 * environments `fleet` (a, b, c) and `one` (a) and one blue-green service for each.
 */
export interface FleetWorld {
  readonly hosts: readonly TestHost[];
  /** The image references as the hosts pull them (GATEWAY:PORT/…). */
  readonly images: Readonly<Record<Version, string>>;
  /** Where slipway.yml is; the CLI runs here. */
  readonly dir: string;
  /** The CLI's environment (its own state dir). */
  readonly env: Readonly<Record<string, string>>;
  readonly services: { readonly fleet: string; readonly one: string };
  stop(): Promise<void>;
}

export async function startFleetWorld(options: { drainMs: number; log: (line: string) => void }): Promise<FleetWorld> {
  const undo: (() => Promise<unknown>)[] = [];
  const stop = async (): Promise<void> => {
    for (const step of undo.reverse()) await step().catch((error: unknown) => options.log(`teardown: ${String(error)}`));
    undo.length = 0;
  };
  try {
    const engine = await ensureEngine();
    undo.push(() => cleanupTestRun(engine));
    const registry = await startRegistry();
    undo.push(() => registry.stop());
    const testHosts = await startTestHosts([{}, {}, {}], { registry: registry.host });
    undo.push(() => testHosts.stop());
    options.log(`hosts ${testHosts.hosts.map((h) => h.address).join(", ")}; registry ${testHosts.registryHost ?? ""}`);
    const images = await pushImages(engine, registry.host, testHosts.registryHost ?? "");
    const dir = mkdtempSync(join(tmpdir(), "slipway-bench-fleet-"));
    undo.push(async () => rmSync(dir, { recursive: true, force: true }));
    const services = { fleet: testName("bench-fleet"), one: testName("bench-one") };
    writeFileSync(join(dir, "slipway.yml"), slipwayYaml(testHosts.hosts, images.v1, services, options.drainMs));
    return { hosts: testHosts.hosts, images, dir, env: { SLIPWAY_STATE_DIR: join(dir, "state") }, services, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Builds v1 and v2 locally (the deploy tests' images) and pushes them to the registry; returns the references the hosts pull. */
async function pushImages(engine: Engine, registry: string, registryOnBridge: string): Promise<Record<Version, string>> {
  const built = await buildWebImages(engine, ["v1", "v2"]);
  const repository = `bench/${testName("web")}`;
  const refs = { v1: "", v2: "" };
  for (const version of ["v1", "v2"] as const) {
    const local = `${registry}/${repository}:${version}`;
    await engine.tagImage(built[version] ?? "", local);
    await engine.push(local);
    refs[version] = `${registryOnBridge}/${repository}:${version}`;
  }
  return refs;
}

function slipwayYaml(hosts: readonly TestHost[], image: string, services: FleetWorld["services"], drainMs: number): string {
  // Every address: the proxy on each host listens on the host's own address too.
  const service = (name: string, port: number): string[] => webServiceYaml({ name, image, port, drain: `${drainMs}ms`, everyAddress: true });
  return [
    "hosts:",
    ...hosts.map((host, index) => `  ${"abc"[index] ?? ""}: { docker_host: "${host.dockerHost}", roles: [web] }`),
    "environments:",
    "  fleet: { hosts: [a, b, c] }",
    "  one: { hosts: [a] }",
    "services:",
    ...service(services.fleet, SERVICE_PORTS.fleet),
    ...service(services.one, SERVICE_PORTS.one),
    "",
  ].join("\n");
}
