import { deployService, routeId } from "../../src/deploy/index.js";
import { webService, type DeployWorld } from "../../test/harness/deploy.js";
import { testName } from "../../test/harness/labels.js";
import { freePort, waitForBody } from "../../test/integration/proxy/helpers.js";
import { exec } from "./docker-cli.js";

export interface WrkFigures {
  readonly target: string;
  readonly url: string;
  readonly requestsPerSecond: number;
  readonly latencyAvgMs: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly errors: string;
}

export interface ThroughputResult {
  readonly seconds: number;
  readonly connections: number;
  readonly rounds: readonly { readonly direct: WrkFigures; readonly proxied: WrkFigures }[];
}

/**
 * The proxy's cost: wrk against one v2 replica's published port (what Caddy dials) and through
 * the Slipway route on Caddy, alternating, `rounds` times each.
 */
export async function measureThroughput(
  world: DeployWorld,
  image: string,
  options: { seconds: number; connections: number; rounds: number },
): Promise<ThroughputResult> {
  const published = await freePort();
  const spec = webService({ service: testName("bench-wrk"), image, published });
  await deployService(world.ports, { spec, trigger: "bench" });
  const proxied = `http://127.0.0.1:${published}/`;
  await waitForBody(proxied, "v2", 10_000);
  const upstream = (await world.proxy.upstreamsOf(routeId(spec.service, spec.environment, published)))?.[0];
  if (upstream === undefined) throw new Error("the route has no upstream");
  const direct = `http://${upstream}/`;
  const rounds: { direct: WrkFigures; proxied: WrkFigures }[] = [];
  for (let i = 0; i < options.rounds; i += 1) {
    rounds.push({ direct: await wrk("direct", direct, options), proxied: await wrk("through Caddy", proxied, options) });
  }
  return { seconds: options.seconds, connections: options.connections, rounds };
}

async function wrk(target: string, url: string, options: { seconds: number; connections: number }): Promise<WrkFigures> {
  const out = await exec("wrk", ["-t", "2", "-c", String(options.connections), "-d", `${options.seconds}s`, "--latency", "--", url]);
  return {
    target,
    url,
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    latencyAvgMs: toMs(/Latency\s+([\d.]+\w+)/.exec(out)?.[1]),
    latencyP50Ms: toMs(/50%\s+([\d.]+\w+)/.exec(out)?.[1]),
    latencyP99Ms: toMs(/99%\s+([\d.]+\w+)/.exec(out)?.[1]),
    errors: /Socket errors:[^\n]*|Non-2xx[^\n]*/.exec(out)?.[0] ?? "none",
  };
}

/** wrk's "812.00us", "1.23ms", "2.01s" in milliseconds. */
export function toMs(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? "");
  if (match === null) return Number.NaN;
  const value = Number(match[1]);
  const scale: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
  return value * (scale[match[2] ?? "ms"] ?? Number.NaN);
}
