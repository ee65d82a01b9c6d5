import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { httpdCommand } from "../../test/harness/base-image.js";
import { testLabels, testName } from "../../test/harness/labels.js";
import type { TestHost } from "../../test/harness/netns-engine.js";
import { exec } from "../rollout/docker-cli.js";
import type { FleetMethod } from "./method.js";
import { SERVICE_PORTS, type FleetWorld, type Version } from "./world.js";

/** The script's Caddy admin API, on each host's own address (the hosts are on a test bridge). */
const ADMIN_PORT = 2019;
/** The two host ports the script alternates its replica between ("blue" and "green"). */
const SLOTS = [9001, 9002] as const;
/** Slipway's proxy config sets the same (src/proxy/initial-config.ts), so both Caddies reload alike. */
const GRACE_PERIOD = "60s";
const UPSTREAMS = "/config/apps/http/servers/bench/routes/0/handle/0/upstreams";

interface HostState {
  readonly host: TestHost;
  /** The replica serving now. */
  current?: { readonly name: string; readonly port: number };
}

/**
 * What a skilled user scripts for a blue-green rollout over several hosts without Slipway, one
 * host after the other: `docker -H HOST pull`, `docker run -d` the new version on the free
 * slot's port, poll it every 10 ms until it answers, PATCH the upstream of that host's own Caddy
 * through its admin API, wait the drain, `docker rm -f` the old container. Every command is an
 * argv (execFile), no shell. Its Caddy on each host is a container on the host network from the
 * image Slipway's first deploy built there (`slipway-proxy:*`: Caddy and busybox, nothing else),
 * with a config of its own copied in (`docker cp`): the service on port 8083, the admin API on
 * HOST:2019. Call `start()` after a Slipway deploy has run on every host.
 */
export function scriptMethod(world: FleetWorld, drainMs: number): FleetMethod & { start(): Promise<void> } {
  const states: HostState[] = world.hosts.map((host) => ({ host }));
  const caddy = testName("bench-fleet-caddy");
  const labels = Object.entries(testLabels()).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
  const docker = (host: TestHost, args: readonly string[]): Promise<string> => exec("docker", ["-H", host.dockerHost, ...args]);

  const startCaddy = async (host: TestHost): Promise<void> => {
    const image = await docker(host, ["inspect", "--format", "{{.Config.Image}}", "slipway-proxy"]);
    const dir = mkdtempSync(join(tmpdir(), "slipway-bench-caddy-"));
    try {
      writeFileSync(join(dir, "caddy.json"), JSON.stringify(caddyConfig(host.address)));
      await docker(host, ["create", "--name", caddy, ...labels, "--network", "host", "--", image, "run", "--config", "/etc/slipway/caddy.json"]);
      await docker(host, ["cp", join(dir, "caddy.json"), `${caddy}:/etc/slipway/caddy.json`]);
      await docker(host, ["start", caddy]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await pollUntil(`http://${host.address}:${ADMIN_PORT}/config/`, (status) => status === 200, 15_000);
  };

  const rollHost = async (state: HostState, version: Version): Promise<void> => {
    const { host } = state;
    const image = world.images[version];
    await docker(host, ["pull", "--quiet", image]);
    const port = state.current?.port === SLOTS[0] ? SLOTS[1] : SLOTS[0];
    const name = testName("bench-fleet-script");
    await docker(host, ["run", "-d", "--name", name, ...labels, "-p", `${host.address}:${port}:8080`, "--", image, ...httpdCommand(8080)]);
    await pollUntil(`http://${host.address}:${port}/`, (status, body) => status === 200 && body === version, 30_000);
    await patchUpstream(host, `${host.address}:${port}`);
    const old = state.current;
    state.current = { name, port };
    // Requests already on their way to the old container finish first, as a careful script lets them.
    await sleep(drainMs);
    if (old !== undefined) await docker(host, ["rm", "-f", "--", old.name]);
  };

  return {
    id: "script",
    label: "hand-written host-by-host blue-green (docker -H pull, run, poll, PATCH the host's Caddy, drain, rm -f)",
    hosts: world.hosts,
    port: SERVICE_PORTS.script,
    async start() {
      for (const state of states) await startCaddy(state.host);
    },
    async deploy(version) {
      for (const state of states) await rollHost(state, version);
    },
    async close() {
      for (const { host, current } of states) {
        const names = [caddy, ...(current === undefined ? [] : [current.name])];
        await docker(host, ["rm", "-f", "-v", "--", ...names]).catch(() => undefined);
      }
    },
  };
}

function caddyConfig(address: string): Record<string, unknown> {
  return {
    admin: { listen: `${address}:${ADMIN_PORT}` },
    apps: {
      http: {
        grace_period: GRACE_PERIOD,
        servers: {
          // Nothing on the upstream until the first rollout starts a replica and points here.
          bench: {
            listen: [`:${SERVICE_PORTS.script}`],
            routes: [{ handle: [{ handler: "reverse_proxy", upstreams: [{ dial: `${address}:${SLOTS[0]}` }] }] }],
          },
        },
      },
    },
  };
}

async function patchUpstream(host: TestHost, dial: string): Promise<void> {
  const answer = await fetch(`http://${host.address}:${ADMIN_PORT}${UPSTREAMS}`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{ dial }]),
  });
  if (!answer.ok) throw new Error(`Caddy admin on ${host.address}: PATCH ${UPSTREAMS}: HTTP ${answer.status} ${await answer.text()}`);
}

/** GETs `url` every 10 ms until `done` (what `until curl …; do sleep 0.01; done` does). */
async function pollUntil(url: string, done: (status: number, body: string) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      const body = await answer.text();
      if (done(answer.status, body)) return;
      last = `HTTP ${answer.status} ${body.slice(0, 80)}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(10);
  }
  throw new Error(`${url} did not answer as wanted within ${timeoutMs / 1000} s (last: ${last})`);
}
