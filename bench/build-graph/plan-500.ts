import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openBuildSession, type BuildSession } from "../../src/builder/session.js";
import { parseConfigText, type Config } from "../../src/config/index.js";
import type { EngineEvent } from "../../src/engine/index.js";
import { fingerprintTag } from "../../src/graph/fingerprint.js";
import { normalizeReference } from "../../src/reference/index.js";
import { createRegistryClient } from "../../src/registry/index.js";
import { runGit, type GitCounts } from "../../src/sources/index.js";
import { openStore } from "../../src/store/index.js";
import type { BenchContext } from "./bench-context.js";
import { BRANCH, graphConfig, remoteOf, sourceFiles, SOURCES } from "./graph-500.js";
import { forEachLimited } from "../../src/util/semaphore.js";
import { createBareRepo } from "./git-repos.js";
import { setTimeout as sleep } from "node:timers/promises";
import { cpuNow, cpuSince, mean, summarize, timed, type Summary } from "./measure.js";
import { copyManifest, readManifest } from "./registry-copy.js";

export interface Latency {
  readonly lsRemoteMs: number;
  readonly headMs: number;
  readonly localGitMs: number;
}

export interface PlanRun {
  readonly ms: number;
  readonly git: GitCounts;
  readonly registryRequests: number;
  readonly registryByMethod: Readonly<Record<string, number>>;
  readonly toBuild: number;
  /** Measured just before this run; undefined for the first plan. */
  readonly latency?: Latency;
  /** CPU used by the plan: Slipway's own process, and the git processes it ran (timed runs only). */
  readonly cpu?: { readonly selfMs: number; readonly childrenMs: number };
}

export interface Plan500Result {
  readonly images: number;
  readonly sources: number;
  /** The very first plan: empty mirror cache (clones every source), nothing in the registry. */
  readonly firstPlan: PlanRun;
  /** Plans (and fp- tags put) until the registry held every image. */
  readonly seedRounds: number;
  readonly runs: readonly PlanRun[];
  readonly wall: Summary;
  /** Average latency of one probe of each kind, measured just before each timed plan. */
  readonly latency: { readonly lsRemoteMs: Summary; readonly headMs: Summary; readonly localGitMs: Summary };
  /** Per run: wall time minus (ls-remote count x ls-remote latency + HEAD count x HEAD latency). */
  readonly beyondNetwork: Summary;
  /** Of that, an estimate of local git (log, cat-file in the mirrors) per run: count x local git latency. */
  readonly localGitEstimate: Summary;
  /** CPU per plan of Slipway's process and of the git processes (ls-remote, cat-file) it ran. */
  readonly cpu: { readonly selfMs: Summary; readonly gitMs: Summary };
  readonly engine: { readonly imagesBefore: number; readonly imagesAfter: number; readonly unchanged: boolean; readonly pullEvents: number };
}

const PROBES = 30;
/** Longer than a mirror reader's idle time (2 s), so its cat-file has ended and its CPU is counted. */
const BATCH_IDLE_WAIT_MS = 2500;

/** Part (a): planning a 500-image graph over 100 unchanged sources, all up to date in the registry. */
export async function benchPlan500(context: BenchContext, runs: number, log: (line: string) => void): Promise<Plan500Result> {
  const dir = join(context.root, "graph-500");
  const remotesDir = join(dir, "remotes");
  mkdirSync(remotesDir, { recursive: true });
  log(`creating ${SOURCES} bare git repositories`);
  await forEachLimited([...Array(SOURCES).keys()], 4, (i) => createBareRepo(remoteOf(remotesDir, i), BRANCH, sourceFiles(i)));
  const configPath = join(dir, "slipway.yml");
  const text = graphConfig({ registry: `${context.registry.host}/bench`, remotesDir, base: context.base });
  writeFileSync(configPath, text);
  const { config } = parseConfigText(text, { path: configPath, dir });
  const stateDir = join(dir, "state");
  const store = openStore({ stateDir });
  try {
    const open = (): BuildSession => openBuildSession({ config, configDir: dir, stateDir, store });
    log("first plan (empty mirror cache)");
    const firstPlan = await planOnce(open(), context.registry.host);
    log("putting every planned image into the registry under its fp- tag");
    const seedRounds = await makeUpToDate(open, context, config, log);
    const probes = await probeTargets(open(), remotesDir);
    const imagesBefore = await imageIds(context);
    const events = await watchImageEvents(context);
    const measured: (PlanRun & { latency: Latency; cpu: { selfMs: number; childrenMs: number } })[] = [];
    for (let run = 1; run <= runs; run += 1) {
      const latency = await measureLatency(context, probes);
      const before = cpuNow();
      const planned = await planOnce(open(), context.registry.host);
      await sleep(BATCH_IDLE_WAIT_MS); // the batch git processes end when idle; only ended children are counted
      const result = { ...planned, latency, cpu: cpuSince(before) };
      if (result.toBuild !== 0) throw new Error(`run ${run}: the plan wants to build ${result.toBuild} images; expected none`);
      measured.push(result);
      log(`run ${run}: ${result.ms.toFixed(0)} ms, ${result.git.lsRemote} ls-remote, ${result.git.fetch} fetch, ${result.registryRequests} registry requests`);
    }
    const ours = (e: EngineEvent): boolean =>
      e.actorId.startsWith(`${context.registry.host}/`) || (e.attributes.name ?? "").startsWith(`${context.registry.host}/`);
    const pullEvents = (await events.stop()).filter((e) => e.action === "pull" && ours(e)).length;
    const imagesAfter = await imageIds(context);
    const beyond = measured.map((r) => r.ms - r.git.lsRemote * r.latency.lsRemoteMs - (r.registryByMethod.HEAD ?? 0) * r.latency.headMs);
    return {
      images: Object.keys(config.images).length,
      sources: Object.keys(config.sources).length,
      firstPlan,
      seedRounds,
      runs: measured,
      wall: summarize(measured.map((r) => r.ms)),
      latency: {
        lsRemoteMs: summarize(measured.map((r) => r.latency.lsRemoteMs)),
        headMs: summarize(measured.map((r) => r.latency.headMs)),
        localGitMs: summarize(measured.map((r) => r.latency.localGitMs)),
      },
      beyondNetwork: summarize(beyond),
      localGitEstimate: summarize(measured.map((r) => r.git.other * r.latency.localGitMs)),
      cpu: { selfMs: summarize(measured.map((r) => r.cpu.selfMs)), gitMs: summarize(measured.map((r) => r.cpu.childrenMs)) },
      engine: { imagesBefore: imagesBefore.length, imagesAfter: imagesAfter.length, unchanged: imagesBefore.join() === imagesAfter.join(), pullEvents },
    };
  } finally {
    await store.close();
  }
}

async function planOnce(session: BuildSession, host: string): Promise<PlanRun> {
  const { ms, value: plan } = await timed(() => session.plan([]));
  return {
    ms,
    git: session.mirrors.stats(),
    registryRequests: session.registries.requests(),
    registryByMethod: session.registries.client(host).stats().byMethod,
    toBuild: plan.toBuild.length,
  };
}

/**
 * Plans, and puts the base's manifest under `repository:fp-<fingerprint>` for every image whose
 * fingerprint is known; a child's fingerprint is known once its parent is in the registry, so
 * this takes one round per level of the graph.
 */
async function makeUpToDate(open: () => BuildSession, context: BenchContext, config: Config, log: (line: string) => void): Promise<number> {
  const base = normalizeReference(context.base);
  const manifest = await readManifest(context.registry.url, base.path, base.tag ?? "latest");
  for (let round = 1; round <= 10; round += 1) {
    const session = open();
    const plan = await session.plan([]);
    if (plan.toBuild.length === 0) return round - 1;
    const ready = plan.entries.flatMap((e) => (e.action === "build" && e.fingerprint !== undefined ? [{ image: e.image, fp: e.fingerprint }] : []));
    log(`round ${round}: ${plan.toBuild.length} images to build, ${ready.length} with a known fingerprint`);
    await forEachLimited(ready, 8, async ({ image, fp }) => {
      const repository = normalizeReference(session.targets.get(image)?.repository ?? "").path;
      await copyManifest(context.registry.url, manifest, repository, fingerprintTag(fp));
    });
  }
  throw new Error(`the registry still lacks images after 10 rounds (${Object.keys(config.images).length} images)`);
}

/** What the latency probes ask: some remotes, and some fp- tags that exist. */
interface Probes {
  readonly remotes: readonly string[];
  readonly tags: readonly { readonly repository: string; readonly tag: string }[];
}

async function probeTargets(session: BuildSession, remotesDir: string): Promise<Probes> {
  const plan = await session.plan([]);
  const tags = plan.entries.flatMap((entry) =>
    entry.action === "up-to-date"
      ? [{ repository: normalizeReference(session.targets.get(entry.image)?.repository ?? "").path, tag: fingerprintTag(entry.fingerprint) }]
      : [],
  );
  return { remotes: Array.from({ length: PROBES }, (_, i) => remoteOf(remotesDir, i * 3)), tags: tags.filter((_, i) => i % 16 === 0).slice(0, PROBES) };
}

/**
 * The average latency of one ls-remote, one manifest HEAD and one local git command, run one
 * after another as the planner runs them, just before a timed plan (the machine's load varies).
 */
async function measureLatency(context: BenchContext, probes: Probes): Promise<Latency> {
  const lsRemote: number[] = [];
  const localGit: number[] = [];
  for (const remote of probes.remotes) {
    lsRemote.push((await timed(() => runGit(["ls-remote", "--heads", "--", remote]))).ms);
    localGit.push((await timed(() => runGit(["log", "-1", "--format=%H", "--end-of-options", BRANCH, "--", "img1"], { cwd: remote }))).ms);
  }
  const client = createRegistryClient({ host: context.registry.host });
  const heads: number[] = [];
  for (const { repository, tag } of probes.tags) heads.push((await timed(() => client.manifestDigest(repository, tag))).ms);
  // The first probe of each kind opens a connection or warms a cache; leave it out.
  return { lsRemoteMs: mean(lsRemote.slice(1)), headMs: mean(heads.slice(1)), localGitMs: mean(localGit.slice(1)) };
}

/** The engine's images tagged into this run's registry (other processes may use the engine meanwhile). */
async function imageIds(context: BenchContext): Promise<string[]> {
  const ours = (tag: string): boolean => tag.startsWith(`${context.registry.host}/`);
  return (await context.engine.listImages())
    .filter((image) => image.tags.some(ours))
    .map((image) => `${image.id} ${image.tags.filter(ours).sort().join(",")}`)
    .sort();
}

/** Collects the engine's image events (pull, tag, push...) until stopped. */
async function watchImageEvents(context: BenchContext): Promise<{ stop(): Promise<EngineEvent[]> }> {
  const controller = new AbortController();
  const seen: EngineEvent[] = [];
  const stream = await context.engine.events({ filters: { type: ["image"] }, signal: controller.signal });
  const reading = (async () => {
    for await (const event of stream) seen.push(event);
  })().catch(() => undefined);
  return {
    async stop() {
      controller.abort();
      await reading;
      return seen;
    },
  };
}
