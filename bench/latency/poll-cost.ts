import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRegistryPool } from "../../src/builder/registry-reader.js";
import type { Engine } from "../../src/engine/index.js";
import { tagPoller, type Poller, type PollerLog } from "../../src/pollers/index.js";
import type { RegistryClient } from "../../src/registry/index.js";
import { openStore } from "../../src/store/index.js";
import { startRegistry } from "../../test/harness/registry.js";
import { copyManifest } from "../build-graph/registry-copy.js";
import { startCountingProxy, wireDelta, type CountingProxy, type WireCounts } from "./counting-proxy.js";
import { stageImage } from "./staged-image.js";

/** What one pass over every watched tag cost. */
export interface CycleFigures {
  /** Registry requests by Slipway's client (RegistryClient.stats()); undefined for the docker CLI. */
  readonly clientRequests?: number;
  readonly byMethod?: Readonly<Record<string, number>>;
  /** Seen on the wire (the counting proxy): connections, bytes up and down, HTTP requests. */
  readonly wire: WireCounts;
  /** CPU time of this process during the pass (user + system), ms; undefined when the work is in dockerd. */
  readonly cpuMs?: number;
  readonly wallMs: number;
  /** Tags in the pass (the docker pull pass covers fewer). */
  readonly tags: number;
}

export interface PollCostResult {
  readonly tags: number;
  readonly runs: number;
  /** The tag poller the controller runs (src/pollers tagPoller: HEAD + watch_state read and write), one check per tag. */
  readonly poller: readonly CycleFigures[];
  /** The same client's HEAD alone (manifestDigest), without the poller and the store. */
  readonly head: readonly CycleFigures[];
  /** The same client, GET of the whole manifest instead of HEAD. */
  readonly getManifest: readonly CycleFigures[];
  /** `docker pull` of each (unchanged) tag through the engine: what a cron script or `compose pull` costs. */
  readonly dockerPull: readonly CycleFigures[];
}

const REPOSITORY_PREFIX = "bench-latency/tag-";
const TAG = "qa";
const silent: PollerLog = { info() {}, warn() {} };

/**
 * The cost of one poll cycle over `tags` watched tags: a registry with `tags` repositories
 * (one small image under :qa in each, blobs mounted), a counting proxy in front (its own
 * process), and the controller's tag pollers (the same `tagPoller` auto-updates.ts creates, on
 * the pool `registryPoolFor` creates, on a SQLite store). One warm-up pass, then `runs`
 * passes, the checks one after another as pollers spread over an interval run them.
 */
export async function measurePollCost(
  engine: Engine,
  options: { tags: number; runs: number; pullTags: number; log: (line: string) => void },
): Promise<PollCostResult> {
  const registry = await startRegistry();
  let proxy: CountingProxy | undefined;
  const stateDir = mkdtempSync(join(tmpdir(), "slipway-bench-poll-cost-"));
  const store = openStore({ stateDir });
  try {
    proxy = await startCountingProxy(registry.host);
    const image = await stageImage(engine, registry, "poll-cost", 1);
    const repositories = Array.from({ length: options.tags }, (_, i) => `${REPOSITORY_PREFIX}${String(i).padStart(3, "0")}`);
    for (const repository of repositories) await copyManifest(registry.url, image.manifest, repository, TAG);
    options.log(`poll cost: ${options.tags} repositories with a :${TAG} tag in ${registry.host}, counted through ${proxy.host}`);

    const pool = createRegistryPool();
    const client = pool.client(proxy.host);
    const pollers: Poller[] = repositories.map((repository) =>
      tagPoller({
        repository: `${proxy?.host ?? ""}/${repository}`,
        tag: TAG,
        registries: pool,
        intervalMs: 3_600_000,
        jitter: 0.1,
        store,
        log: silent,
        onChange: () => undefined,
      }),
    );
    const counted = proxy;
    const pass = (work: () => Promise<void>, tags = options.tags): Promise<CycleFigures> => measurePass(counted, client, tags, work);
    const sequentially = async <T>(items: readonly T[], each: (item: T) => Promise<unknown>): Promise<void> => {
      for (const item of items) await each(item);
    };

    await pass(() => sequentially(pollers, (p) => p.checkNow()));
    const poller: CycleFigures[] = [];
    const head: CycleFigures[] = [];
    const getManifest: CycleFigures[] = [];
    for (let run = 1; run <= options.runs; run += 1) {
      poller.push(await pass(() => sequentially(pollers, (p) => p.checkNow())));
      head.push(await pass(() => sequentially(repositories, (r) => client.manifestDigest(r, TAG))));
      getManifest.push(await pass(() => sequentially(repositories, (r) => client.getManifest(r, TAG))));
    }

    const pullRefs = repositories.slice(0, options.pullTags).map((r) => `${counted.host}/${r}:${TAG}`);
    const dockerPull: CycleFigures[] = [];
    if (pullRefs.length > 0) {
      await sequentially(pullRefs, (ref) => engine.pull(ref));
      for (let run = 1; run <= Math.min(options.runs, 2); run += 1) {
        const {
          cpuMs: _engineWork,
          clientRequests: _none,
          byMethod: _unused,
          ...figures
        } = await pass(() => sequentially(pullRefs, (ref) => engine.pull(ref)), pullRefs.length);
        dockerPull.push(figures);
      }
    }
    return { tags: options.tags, runs: options.runs, poller, head, getManifest, dockerPull };
  } finally {
    await store.close();
    await proxy?.stop();
    await registry.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function measurePass(proxy: CountingProxy, client: RegistryClient, tags: number, work: () => Promise<void>): Promise<CycleFigures> {
  const wire0 = await proxy.counts();
  const stats0 = client.stats();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await work();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const stats1 = client.stats();
  const wire = wireDelta(wire0, await proxy.counts());
  const byMethod = Object.fromEntries(
    Object.entries(stats1.byMethod)
      .map(([method, n]) => [method, n - (stats0.byMethod[method] ?? 0)])
      .filter(([, n]) => n !== 0),
  );
  return { clientRequests: stats1.requests - stats0.requests, byMethod, wire, cpuMs: (cpu.user + cpu.system) / 1000, wallMs, tags };
}
