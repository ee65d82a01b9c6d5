import { deployService, type ServiceSpec } from "../../src/deploy/index.js";
import { webService, type DeployWorld } from "../../test/harness/deploy.js";
import { testName } from "../../test/harness/labels.js";
import { freePort } from "../../test/integration/proxy/helpers.js";
import type { Images, Method } from "./method.js";

export interface SlipwayOptions {
  readonly drainMs: number;
  /** The health probe's interval; the tests' `webService` default (200 ms) when undefined. */
  readonly healthIntervalMs?: number;
}

/** Blue-green: one replica, the old one drains for `drainMs` after the switch. */
export function blueGreenMethod(world: DeployWorld, images: Images, options: SlipwayOptions): Method {
  const label = `Slipway blue-green (drain ${options.drainMs} ms${probeNote(options)})`;
  return slipwayMethod(world, images, { id: "blue-green", label }, options, { update: updateOf("blue-green", options.drainMs) });
}

/** Rolling: two replicas, one at a time. */
export function rollingMethod(world: DeployWorld, images: Images, options: SlipwayOptions): Method {
  const label = `Slipway rolling (2 replicas, batch 1, drain ${options.drainMs} ms${probeNote(options)})`;
  return { ...slipwayMethod(world, images, { id: "rolling", label }, options, { replicas: 2, update: updateOf("rolling", options.drainMs) }), containers: 2 };
}

function probeNote(options: SlipwayOptions): string {
  return options.healthIntervalMs === undefined ? "" : `, probe every ${options.healthIntervalMs} ms`;
}

function updateOf(strategy: "blue-green" | "rolling", drainMs: number): ServiceSpec["update"] {
  return { strategy, batch: 1, drainMs, keep: 2, allowSharedVolumes: false };
}

function slipwayMethod(
  world: DeployWorld,
  images: Images,
  name: { id: string; label: string },
  options: SlipwayOptions,
  overrides: Partial<ServiceSpec>,
): Method {
  let specs: { v1: ServiceSpec; v2: ServiceSpec; url: string } | undefined;
  const deploy = async (spec: ServiceSpec, options: { unchanged: "ok" | "error" }): Promise<void> => {
    const result = await deployService(world.ports, { spec, trigger: "bench" });
    if (result.status === "succeeded" || options.unchanged === "ok") return;
    throw new Error(`${name.id}: deploying ${spec.image} was ${result.status}`);
  };
  return {
    ...name,
    async serveV1() {
      if (specs === undefined) {
        const published = await freePort();
        const base = webService({ service: testName(`bench-${name.id}`), image: images.v1, published }, overrides);
        const intervalMs = options.healthIntervalMs ?? base.health.intervalMs;
        const v1 = { ...base, health: { ...base.health, intervalMs } };
        specs = { v1, v2: { ...v1, image: images.v2 }, url: `http://127.0.0.1:${published}/` };
      }
      // v1 may still serve (a profile run serves it before the round): nothing to do then.
      await deploy(specs.v1, { unchanged: "ok" });
      return specs.url;
    },
    async updateToV2() {
      if (specs === undefined) throw new Error("serveV1 first");
      await deploy(specs.v2, { unchanged: "error" });
    },
    async close() {
      // The run's cleanup (cleanupTestRun) removes the containers; the world removes Caddy.
    },
  };
}
