import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { executePlan, type BuildReport, type ImageOutcome } from "../../../src/builder/execute.js";
import { createPlanPorts } from "../../../src/builder/plan-ports.js";
import { createRegistryPool, createRegistryReader } from "../../../src/builder/registry-reader.js";
import { targetsFromConfig } from "../../../src/builder/targets-from-config.js";
import type { BuildTarget } from "../../../src/builder/targets.js";
import { loadConfig } from "../../../src/config/index.js";
import type { Engine } from "../../../src/engine/index.js";
import { isSlipwayError } from "../../../src/errors/index.js";
import { buildImageGraph, type ImageGraph } from "../../../src/graph/image-graph.js";
import { planBuilds, type Plan } from "../../../src/graph/plan.js";
import { createRegistryClient, type RegistryClient } from "../../../src/registry/index.js";
import { createSourceReader, openMirrors } from "../../../src/sources/index.js";
import { openStore, type Store } from "../../../src/store/index.js";
import { ensureEngine } from "../../harness/engine.js";
import { testLabels } from "../../harness/labels.js";
import { startRegistry, type TestRegistry } from "../../harness/registry.js";

const run = promisify(execFile);
const EXAMPLE = join(dirname(new URL(import.meta.url).pathname), "../../../../examples/data-team");
export const IMAGES = ["base", "infra-dev", "infra-prod", "app1-dev", "app1-prod"] as const;
export type RepoName = "my-docker" | "infra" | "app1";

export const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Dana Data",
  GIT_AUTHOR_EMAIL: "dana@slipway.invalid",
  GIT_COMMITTER_NAME: "Dana Data",
  GIT_COMMITTER_EMAIL: "dana@slipway.invalid",
};

/** What one plan-and-build pass saw and did, as the CLI will do it. */
export interface Pass {
  readonly plan: Plan;
  readonly graph: ImageGraph;
  readonly targets: ReadonlyMap<string, BuildTarget>;
  readonly report: BuildReport;
  readonly notes: readonly string[];
}

/**
 * examples/data-team copied to a temp dir with its remotes prepared (prepare.sh), a real
 * registry, the real engine, a store and a mirror cache of its own. Everything the engine
 * builds carries this run's test labels.
 */
export interface DataTeam {
  readonly dir: string;
  readonly registry: TestRegistry;
  readonly engine: Engine;
  readonly store: Store;
  readonly client: RegistryClient;
  /** loadConfig -> targets -> graph -> plan, with fresh source and registry readers. */
  plan(configFile?: string): Promise<{ plan: Plan; graph: ImageGraph; targets: ReadonlyMap<string, BuildTarget> }>;
  /** plan, then executePlan with push. */
  build(configFile?: string): Promise<Pass>;
  /** Clones a remote, writes files (null deletes), commits and pushes; returns the new commit. */
  commit(repo: RepoName, message: string, files: Readonly<Record<string, string | null>>, executable?: readonly string[]): Promise<string>;
  /** The tags of one image's repository in the registry, sorted ([] when never pushed). */
  tags(image: string): Promise<string[]>;
  /** Every image's tags. */
  snapshot(): Promise<Record<string, string[]>>;
  /** How many build records the store holds. */
  buildCount(): Promise<number>;
  readConfig(file?: string): string;
  writeConfig(text: string, file?: string): void;
  close(): Promise<void>;
}

export async function openDataTeam(): Promise<DataTeam> {
  const root = mkdtempSync(join(tmpdir(), "slipway-data-team-"));
  const dir = join(root, "data-team");
  cpSync(EXAMPLE, dir, { recursive: true, filter: (path) => !path.startsWith(join(EXAMPLE, "work")) });
  await run("bash", ["--", join(dir, "prepare.sh")], { env: GIT_ENV });
  const engine = await ensureEngine();
  const registry = await startRegistry();
  const store = openStore({ stateDir: join(root, "state") });
  const client = createRegistryClient({ host: registry.host });
  const cacheDir = join(root, "state", "mirrors");
  const env = { ...process.env, SLIPWAY_REGISTRY: registry.host };

  const plan = async (configFile = "slipway.yml") => {
    const loaded = await loadConfig({ path: join(dir, configFile), env });
    const targets = labelled(targetsFromConfig(loaded.config, loaded.dir));
    const graph = buildImageGraph([...targets.values()].map((t) => ({ name: t.name, from: t.from })));
    const sources = createSourceReader(
      openMirrors({ cacheDir, baseDir: loaded.dir }),
      Object.entries(loaded.config.sources).map(([name, s]) => ({ name, repo: s.repo, branch: s.branch, ...(s.paths ? { paths: s.paths } : {}) })),
    );
    const registryReader = createRegistryReader(createRegistryPool({ host: registry.host, insecure: false }));
    const ports = createPlanPorts({ targets, sources, registry: registryReader, store });
    return { plan: await planBuilds(graph, graph.order, ports), graph, targets, sources };
  };

  return {
    dir,
    registry,
    engine,
    store,
    client,
    plan: async (configFile) => {
      const { plan: planned, graph, targets } = await plan(configFile);
      return { plan: planned, graph, targets };
    },
    async build(configFile) {
      const { plan: planned, graph, targets, sources } = await plan(configFile);
      const notes: string[] = [];
      const deps = { engine, sources, store, push: true, noCache: false, containerLabels: testLabels() };
      const report = await executePlan(planned, graph, targets, deps, { jobs: 2, onNote: (image, text) => notes.push(`${image}: ${text}`) });
      return { plan: planned, graph, targets, report, notes };
    },
    commit: (repo, message, files, executable = []) => commitTo(join(dir, "work", "remotes", `${repo}.git`), message, files, executable),
    tags: (image) => tagsOf(client, image),
    async snapshot() {
      const entries = await Promise.all(IMAGES.map(async (image) => [image, await tagsOf(client, image)] as const));
      return Object.fromEntries(entries);
    },
    buildCount: async () => (await store.listBuilds({ limit: 100_000 })).length,
    readConfig: (file = "slipway.yml") => readFileSync(join(dir, file), "utf8"),
    writeConfig: (text, file = "slipway.yml") => writeFileSync(join(dir, file), text),
    async close() {
      await store.close();
      await registry.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The test labels on every image the build makes, so cleanup by label finds them. */
function labelled(targets: Map<string, BuildTarget>): Map<string, BuildTarget> {
  return new Map([...targets].map(([name, target]) => [name, { ...target, labels: { ...target.labels, ...testLabels() } }]));
}

async function tagsOf(client: RegistryClient, image: string): Promise<string[]> {
  try {
    return (await client.listTags(`data-team/${image}`)).sort();
  } catch (error) {
    if (isSlipwayError(error, "REGISTRY_NOT_FOUND")) return [];
    throw error;
  }
}

async function commitTo(remote: string, message: string, files: Readonly<Record<string, string | null>>, executable: readonly string[]): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "slipway-clone-"));
  const git = async (...args: string[]): Promise<string> => (await run("git", args, { cwd: work, env: GIT_ENV })).stdout.trim();
  try {
    await git("clone", "--quiet", "--", remote, ".");
    for (const [path, content] of Object.entries(files)) {
      const file = join(work, path);
      if (content === null) {
        rmSync(file, { force: true });
        continue;
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      if (executable.includes(path)) chmodSync(file, 0o755);
    }
    await git("add", "--all");
    await git("commit", "--quiet", "-m", message);
    await git("push", "--quiet", "origin", "HEAD");
    return await git("rev-parse", "HEAD");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Builds and pushes a busybox image FROM scratch (Debian's static busybox) with `marker` in /etc/upstream. */
export async function pushUpstreamBusybox(engine: Engine, ref: string, marker: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-upstream-"));
  try {
    copyFileSync("/bin/busybox", join(dir, "busybox"));
    chmodSync(join(dir, "busybox"), 0o755);
    writeFileSync(join(dir, "upstream"), `${marker}\n`);
    writeFileSync(
      join(dir, "Dockerfile"),
      ["FROM scratch", "COPY busybox /bin/busybox", 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', "COPY upstream /etc/upstream", ""].join("\n"),
    );
    await engine.build({ contextDir: dir, tags: [ref], labels: testLabels({ "slipway.test.upstream": marker }) });
    return (await engine.push(ref)).digest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Image names with this outcome, in report order. */
export function withOutcome(report: BuildReport, outcome: ImageOutcome["outcome"]): string[] {
  return report.outcomes.filter((o) => o.outcome === outcome).map((o) => o.image);
}

export function outcomeOf<K extends ImageOutcome["outcome"]>(report: BuildReport, image: string, outcome: K): Extract<ImageOutcome, { outcome: K }> {
  const found = report.outcomes.find((o) => o.image === image);
  if (found?.outcome !== outcome) throw new Error(`${image}: expected ${outcome}, got ${found?.outcome ?? "no outcome"}: ${describe(found)}`);
  return found as Extract<ImageOutcome, { outcome: K }>;
}

function describe(outcome: ImageOutcome | undefined): string {
  if (outcome?.outcome === "failed") return outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  if (outcome?.outcome === "skipped") return outcome.because;
  return "";
}

/** The timestamp tags (the newest sorts last). */
export function versionTags(tags: readonly string[]): string[] {
  return tags.filter((tag) => /^\d{8}T\d{6}Z$/.test(tag)).sort();
}

export function fingerprintTags(tags: readonly string[]): string[] {
  return tags.filter((tag) => tag.startsWith("fp-")).sort();
}
