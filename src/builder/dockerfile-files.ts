import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { offlineTree, readBlob, type OfflineTree, type SourceSpec } from "../sources/index.js";
import type { ContextFiles, OpenContext } from "./dockerfile-check.js";
import type { SourceReader } from "./ports.js";
import { contextLabel, normalizePath, type BuildTarget } from "./targets.js";

/** The readers of build contexts the Dockerfile check (dockerfile-check.ts) goes through. */

/** Over a plan's SourceReader: each source at the head the plan read. */
export function readerContexts(sources: SourceReader): OpenContext {
  return async (target) => {
    const context = target.context;
    if (context.kind === "local") return localFiles(target, context.dir);
    try {
      const head = await sources.head(context.source);
      return sourceFiles(target, (path) => sources.readFile(context.source, head, path), sources.branch(context.source));
    } catch {
      return undefined; // the plan reports a source it cannot read
    }
  };
}

/**
 * Without the network (slipway validate): local contexts from disk, a source from its own
 * repository when it is a path on this machine, else from its mirror as last fetched.
 */
export function offlineContexts(sources: readonly SourceSpec[], options: { readonly cacheDir: string; readonly baseDir: string }): OpenContext {
  const byName = new Map(sources.map((source) => [source.name, source]));
  const trees = new Map<string, Promise<OfflineTree | undefined>>();
  return async (target) => {
    const context = target.context;
    if (context.kind === "local") return localFiles(target, context.dir);
    const spec = byName.get(context.source);
    if (spec === undefined) return undefined;
    let tree = trees.get(spec.name);
    if (tree === undefined) {
      tree = offlineTree(spec, options).catch(() => undefined);
      trees.set(spec.name, tree);
    }
    const found = await tree;
    if (found === undefined) return undefined;
    return sourceFiles(target, (path) => readBlob(found.dir, found.commit, path), spec.branch);
  };
}

function localFiles(target: BuildTarget, dir: string): ContextFiles {
  return {
    read: async (name) => {
      const path = join(dir, name);
      return existsSync(path) && statSync(path).isFile() ? readFileSync(path, "utf8") : undefined;
    },
    where: (name) => join(contextLabel(target.context), name),
  };
}

function sourceFiles(target: BuildTarget, read: (path: string) => Promise<string | undefined>, branch: string): ContextFiles {
  const path = target.context.kind === "source" ? normalizePath(target.context.path) : "";
  const inContext = (name: string): string => (path === "" ? name : `${path}/${name}`);
  const source = target.context.kind === "source" ? target.context.source : "";
  return { read: (name) => read(inContext(name)), where: (name) => `${source}:${inContext(name)}`, branch };
}
