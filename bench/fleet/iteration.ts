import { setTimeout as sleep } from "node:timers/promises";
import type { TestHost } from "../../test/harness/netns-engine.js";
import { waitForBody } from "../../test/integration/proxy/helpers.js";
import { exec } from "../rollout/docker-cli.js";
import { figuresOf, startLiveLoad, waitForAnswer, type UpdateFigures } from "../rollout/load.js";
import type { FleetMethod, RecordedStep } from "./method.js";
import type { FleetWorld } from "./world.js";

export const TIMEOUT_MS = 1_000;

export interface FleetIteration {
  readonly method: string;
  readonly round: number;
  /** Each host's figures, in the method's host order. */
  readonly hosts: readonly (UpdateFigures & { readonly host: string })[];
  readonly requests: number;
  readonly failed: number;
  /** The latest of the hosts' "only v2 after": from t0 until v2 is the only answer on every host. */
  readonly onlyNewAllMs: number;
  /** Until the tool's command returned. */
  readonly toolMs: number;
  /** From t0 until the tool made its deployment record (process start-up, config, engines, proxies, pulls), when it records one. */
  readonly untilRecordMs?: number;
  /** The rollout's steps as the tool recorded them (Slipway's history), when it records any. */
  readonly steps?: readonly RecordedStep[];
}

/**
 * One rollout of v2 under load: the method serves v1 on its hosts; v2 is removed from every host
 * (a new release is not there yet: every method pulls it); `clients` closed-loop clients per
 * host (1 s timeout) run against each host's address for 300 ms, then the method rolls v2 out
 * (t0); the load goes on until every host has answered v2 to a request started after the tool
 * returned, and 1 s more. Then the method goes back to v1, not timed.
 */
export async function runFleetIteration(world: FleetWorld, method: FleetMethod, round: number, clients: number): Promise<FleetIteration> {
  const urls = method.hosts.map((host) => `http://${host.address}:${method.port}/`);
  for (const url of urls) await waitForBody(url, "v1", 15_000);
  for (const host of world.hosts) await removeImage(host, world.images.v2);
  const loads = urls.map((url) => startLiveLoad(url, { clients, timeoutMs: TIMEOUT_MS }));
  await sleep(300);
  const t0 = performance.now();
  const wallT0 = Date.now();
  let toolMs: number;
  try {
    await method.deploy("v2");
    const doneAt = performance.now();
    toolMs = doneAt - t0;
    for (const load of loads) await waitForAnswer(load, doneAt, "v2", 15_000);
    await sleep(1_000);
  } catch (error) {
    await Promise.all(loads.map((load) => load.stop()));
    await method.deploy("v1").catch(() => undefined);
    throw error;
  }
  const samples = await Promise.all(loads.map((load) => load.stop()));
  const hosts = samples.map((list, index) => ({ host: hostName(world, method.hosts[index]), ...figuresOf(list, t0, "v2") }));
  const recorded = await method.lastSteps?.();
  await method.deploy("v1");
  return {
    ...summarise(method.id, round, hosts, toolMs),
    ...(recorded === undefined ? {} : { untilRecordMs: recorded.startedAt - wallT0, steps: recorded.steps }),
  };
}

function summarise(method: string, round: number, hosts: FleetIteration["hosts"], toolMs: number): FleetIteration {
  const only = hosts.map((h) => h.onlyNewMs);
  return {
    method,
    round,
    hosts,
    requests: hosts.reduce((sum, h) => sum + h.requests, 0),
    failed: hosts.reduce((sum, h) => sum + h.failed, 0),
    onlyNewAllMs: only.some((ms) => !Number.isFinite(ms)) ? Number.NaN : Math.max(...only),
    toolMs,
  };
}

/** a, b or c, as slipway.yml names the host. */
export function hostName(world: FleetWorld, host: TestHost | undefined): string {
  return host === undefined ? "?" : ("abc"[world.hosts.indexOf(host)] ?? host.name);
}

/** `docker image rm` of the release on a host; it must not be in use (every method is back on v1 between rollouts). */
async function removeImage(host: TestHost, image: string): Promise<void> {
  const present = await exec("docker", ["-H", host.dockerHost, "image", "ls", "--quiet", image]);
  if (present !== "") await exec("docker", ["-H", host.dockerHost, "image", "rm", "--", image]);
}
