import type { FastifyBaseLogger } from "fastify";
import type { LoadedConfig } from "../config/index.js";
import { sourcePoller, type Poller } from "../pollers/index.js";
import { validateRemote } from "../sources/index.js";
import type { Store } from "../store/index.js";
import { watchedBranches } from "./pipeline-targets.js";

/**
 * One ls-remote poller per watched branch of every source that sets `poll:` (its own branch
 * and each environment's branch). A new head starts the pipelines bound to the branch.
 */
export function sourcePollers(
  loaded: LoadedConfig,
  store: Store,
  log: FastifyBaseLogger,
  jitter: number,
  onCommit: (source: string, branch: string, commit: string) => void,
): Poller[] {
  return watchedBranches(loaded.config).flatMap(({ source, branch }) => {
    const declared = loaded.config.sources[source];
    if (declared?.poll === undefined) return [];
    return [
      sourcePoller({
        source,
        branch,
        remote: validateRemote(declared.repo, { baseDir: loaded.dir }),
        intervalMs: declared.poll,
        jitter,
        store,
        log,
        onChange: ({ current }) => onCommit(source, branch, current),
      }),
    ];
  });
}
