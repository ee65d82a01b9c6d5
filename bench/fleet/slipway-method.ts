import { runSlipway } from "../../test/harness/cli.js";
import type { FleetMethod, RecordedRollout } from "./method.js";
import { SERVICE_PORTS, type FleetWorld } from "./world.js";

/**
 * `slipway deploy SERVICE --env ENV --image REF` as users run it: a process, start-up included.
 * `fleet` is the service on hosts a, b and c (rolled out host by host, update.hosts_parallel 1);
 * `one-host` the same service shape on host a only.
 */
export function slipwayMethod(world: FleetWorld, environment: "fleet" | "one"): FleetMethod {
  const service = world.services[environment];
  const hosts = environment === "fleet" ? world.hosts : world.hosts.slice(0, 1);
  return {
    id: environment === "fleet" ? "slipway" : "one-host",
    label:
      environment === "fleet"
        ? "`slipway deploy SERVICE --env fleet --image V2` (hosts a, b, c; one at a time)"
        : "`slipway deploy SERVICE --env one --image V2` (host a only)",
    hosts,
    port: SERVICE_PORTS[environment],
    async deploy(version) {
      const run = await runSlipway(["deploy", service, "--env", environment, "--image", world.images[version]], {
        cwd: world.dir,
        env: world.env,
        timeoutMs: 300_000,
      });
      if (run.code !== 0) throw new Error(`slipway deploy ${service} --env ${environment} exited ${run.code}: ${(run.stderr + run.stdout).trim()}`);
    },
    async lastSteps() {
      const run = await runSlipway(["history", service, "--env", environment, "--json"], { cwd: world.dir, env: world.env });
      if (run.code !== 0) throw new Error(`slipway history ${service} exited ${run.code}: ${run.stderr.trim()}`);
      return rolloutOf(run.stdout);
    },
    // The hosts go with their engines (testHosts.stop); the state dir with the project dir.
    close: () => Promise.resolve(),
  };
}

interface HistoryEntry {
  readonly startedAt: string;
  readonly steps: readonly { readonly name: string; readonly startedAt: string; readonly finishedAt?: string }[];
}

/** The newest deployment from `slipway history --json`. */
function rolloutOf(json: string): RecordedRollout | undefined {
  const [latest] = JSON.parse(json) as HistoryEntry[];
  if (latest === undefined) return undefined;
  const at = (iso: string): number => Date.parse(iso);
  const startedAt = at(latest.startedAt);
  return {
    startedAt,
    steps: latest.steps.map((step) => ({
      name: step.name,
      atMs: at(step.startedAt) - startedAt,
      tookMs: step.finishedAt === undefined ? Number.NaN : at(step.finishedAt) - at(step.startedAt),
    })),
  };
}
