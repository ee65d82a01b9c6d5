import type { Config } from "../config/index.js";
import type { Hint } from "../webhooks/index.js";
import { sourcesForHint } from "../webhooks/match-hints.js";

export interface RoutedPush {
  readonly source: string;
  readonly branch: string;
  readonly commit?: string;
}

export interface RoutedHints {
  /** (source, branch) pairs with a new commit (when the payload names it): each starts the pipelines bound to the branch. */
  readonly pushes: RoutedPush[];
  /** Image hints, for the auto-updater (which re-reads the digest itself; `digest` is what the sender announced). */
  readonly images: { repository: string; tag?: string; digest?: string }[];
  /** Hints about nothing this config uses: logged and otherwise ignored. */
  readonly ignored: Hint[];
}

/**
 * Which sources and branches a delivery's hints are about. A push matches a source by its
 * repository on any branch: the branch decides the pipelines (an environment's branch, or the
 * source's own), so a push to `test.1` of the app's repository reaches the test1 pipeline.
 */
export function routeHints(hints: readonly Hint[], config: Config, configDir: string): RoutedHints {
  const pushes: RoutedPush[] = [];
  const images: { repository: string; tag?: string; digest?: string }[] = [];
  const ignored: Hint[] = [];
  for (const hint of hints) {
    if (hint.kind === "image") {
      images.push({
        repository: hint.repository,
        ...(hint.tag === undefined ? {} : { tag: hint.tag }),
        ...(hint.digest === undefined ? {} : { digest: hint.digest }),
      });
      continue;
    }
    const onBranch = Object.fromEntries(Object.entries(config.sources).map(([name, s]) => [name, { repo: s.repo, branch: hint.branch ?? s.branch }]));
    const matched = sourcesForHint(hint, onBranch, configDir);
    if (matched.length === 0) ignored.push(hint);
    for (const source of matched) {
      pushes.push({ source, branch: hint.branch ?? config.sources[source]?.branch ?? "", ...(hint.commit === undefined ? {} : { commit: hint.commit }) });
    }
  }
  return { pushes, images, ignored };
}
