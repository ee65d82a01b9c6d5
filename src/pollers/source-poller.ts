import { headOf, type GitCounts, type Remote } from "../sources/index.js";
import { createPoller } from "./poller.js";
import type { Poller, PollerOptions } from "./types.js";
import { sourceWatchKey } from "./watch-keys.js";

export interface SourcePollerOptions extends Omit<PollerOptions, "name" | "key" | "check"> {
  /** The source's name in slipway.yml. */
  readonly source: string;
  readonly remote: Remote;
  readonly branch: string;
  /** Time limit of one ls-remote; default 60 s. */
  readonly timeoutMs?: number;
  readonly counts?: GitCounts;
}

const LS_REMOTE_TIMEOUT_MS = 60_000;

/**
 * Watches a source's branch with `git ls-remote` (no fetch): onChange gets the previous and
 * the new head commit. Key `source:<name>:<branch>`.
 */
export function sourcePoller(options: SourcePollerOptions): Poller {
  const { source, remote, branch, timeoutMs, counts, ...rest } = options;
  return createPoller({
    ...rest,
    name: `source ${source} (${branch})`,
    key: sourceWatchKey(source, branch),
    check: () => headOf(remote, branch, { timeoutMs: timeoutMs ?? LS_REMOTE_TIMEOUT_MS, ...(counts === undefined ? {} : { counts }) }),
  });
}
