import { join } from "node:path";
import type { Config } from "../config/index.js";
import type { Engine } from "../engine/index.js";
import { SlipwayError } from "../errors/index.js";
import { buildImageGraph, type ImageGraph } from "../graph/image-graph.js";
import { planBuilds, type Plan } from "../graph/plan.js";
import { createSourceReader, openMirrors, type Mirrors } from "../sources/index.js";
import type { Store } from "../store/index.js";
import { tagEnvironment, type PushedImage } from "./environment-tags.js";
import { executePlan, type BuildReport, type ExecuteOptions } from "./execute.js";
import { variantFor } from "./dockerfile-choice.js";
import { createPlanPorts } from "./plan-ports.js";
import type { SourceReader } from "./ports.js";
import { createRegistryReader, registryCredentials, registryPoolFor, type RegistryPool } from "./registry-reader.js";
import { targetsFromConfig } from "./targets-from-config.js";
import type { BuildTarget } from "./targets.js";

/**
 * Everything one plan or build run needs, wired from slipway.yml over the real adapters:
 * git mirrors under the state directory, one registry client per host, the store.
 */
export interface BuildSession {
  readonly targets: ReadonlyMap<string, BuildTarget>;
  readonly graph: ImageGraph;
  readonly sources: SourceReader;
  readonly mirrors: Mirrors;
  readonly registries: RegistryPool;
  /** Plans the selected images (all when empty) and the images they are built on. */
  plan(selected: readonly string[], options?: { force?: boolean }): Promise<Plan>;
  build(
    plan: Plan,
    engine: Engine,
    options: ExecuteOptions & { push: boolean; noCache: boolean; containerLabels?: Record<string, string> },
  ): Promise<BuildReport>;
  /**
   * Moves the session environment's tag to these pushed builds (pushedImages); nothing when the
   * session builds for no environment, or for one slipway.yml does not declare. Returns the
   * references tagged.
   */
  tagEnvironment(images: readonly PushedImage[]): Promise<string[]>;
}

export function openBuildSession(input: {
  config: Config;
  configDir: string;
  stateDir: string;
  store: Store;
  env?: string;
  /** Branch heads the caller read already (source -> commit): the plan reads these sources no further. */
  heads?: Readonly<Record<string, string>>;
}): BuildSession {
  const { config, store } = input;
  const targets = targetsFromConfig(config, input.configDir);
  const graph = buildImageGraph([...targets.values()].map((t) => ({ name: t.name, ...(t.from === undefined ? {} : { from: t.from }) })));
  const mirrors = openMirrors({ cacheDir: join(input.stateDir, "mirrors"), baseDir: input.configDir });
  const sources = createSourceReader(
    mirrors,
    Object.entries(config.sources).map(([name, s]) => ({ name, repo: s.repo, branch: s.branch, ...(s.paths === undefined ? {} : { paths: s.paths }) })),
    input.heads,
  );
  const variant = variantFor(input.env, config.environments);
  const credentials = registryCredentials(config);
  const registries = registryPoolFor(config);
  const ports = createPlanPorts({
    targets,
    sources,
    registry: createRegistryReader(registries),
    store,
    ...(variant === undefined ? {} : { variant }),
  });
  return {
    targets,
    graph,
    sources,
    mirrors,
    registries,
    plan(selected, options = {}) {
      const unknown = selected.filter((name) => !targets.has(name));
      if (unknown.length > 0) {
        throw new SlipwayError("CONFIG_INVALID", `no image named ${unknown.join(", ")} in slipway.yml`, {
          hint: `known images: ${[...targets.keys()].join(", ") || "none"}`,
        });
      }
      return planBuilds(graph, selected.length === 0 ? graph.order : selected, ports, options);
    },
    build(plan, engine, options) {
      return executePlan(
        plan,
        graph,
        targets,
        {
          engine,
          sources,
          store,
          push: options.push,
          noCache: options.noCache,
          ...(credentials === undefined ? {} : { credentials }),
          ...(options.containerLabels === undefined ? {} : { containerLabels: options.containerLabels }),
          sourceUrl: (name) => config.sources[name]?.repo,
        },
        options,
      );
    },
    async tagEnvironment(images) {
      if (input.env === undefined || config.environments[input.env] === undefined) return [];
      return tagEnvironment(registries, targets, input.env, images);
    },
  };
}
