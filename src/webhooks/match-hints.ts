import { normalizeReference, parseReference } from "../reference/index.js";
import { gitRepoKey } from "./git-url.js";
import type { GitHint, Hint, ImageHint } from "./types.js";

/** What a source of slipway.yml says about where it lives. */
export interface SourceLocation {
  readonly repo: string;
  readonly branch: string;
}

/**
 * The sources a git hint refers to: those whose repository is one the hint names (in any URL
 * form; paths resolved against configDir) and whose branch is the pushed one. A hint that names
 * a source (the generic webhook) matches it by name, on its own branch when none was given.
 */
export function sourcesForHint(hint: GitHint, sources: Readonly<Record<string, SourceLocation>>, configDir: string): string[] {
  const keys = new Set(hint.repo.map((repo) => gitRepoKey(repo, configDir)).filter((key): key is string => key !== undefined));
  return Object.entries(sources)
    .filter(([name, source]) => {
      if (hint.branch !== undefined && hint.branch !== source.branch) return false;
      if (hint.source !== undefined) return hint.source === name && (keys.size === 0 || keys.has(gitRepoKey(source.repo, configDir) ?? ""));
      const key = gitRepoKey(source.repo, configDir);
      return key !== undefined && keys.has(key);
    })
    .map(([name]) => name);
}

/**
 * The watched images an image hint refers to: same registry and repository once normalized
 * (busybox, library/busybox, docker.io/library/busybox and index.docker.io/library/busybox are
 * one), and the same tag, unless the hint or the watched entry names none: a watched entry
 * with a tag (`my-org/foo:qa`) watches that tag, one without (`localhost:5000/app`) every tag
 * of the repository. Entries that are not valid references never match.
 */
export function imagesForHint(hint: ImageHint, watched: readonly string[]): string[] {
  const pushed = normalized(hint.repository);
  if (pushed === undefined) return [];
  return watched.filter((entry) => {
    const ref = normalized(entry);
    if (ref === undefined || ref.name !== pushed.name) return false;
    return hint.tag === undefined || ref.tag === undefined || ref.tag === hint.tag;
  });
}

export interface HintMatches {
  readonly sources: ReadonlyMap<string, GitHint>;
  readonly images: ReadonlyMap<string, ImageHint>;
  /** Hints nothing of this config uses: to be logged and otherwise ignored. */
  readonly unmatched: readonly Hint[];
}

/** Every source and watched image the hints of one delivery refer to, and the hints that refer to nothing. */
export function matchHints(
  hints: readonly Hint[],
  config: { readonly sources: Readonly<Record<string, SourceLocation>>; readonly configDir: string; readonly images: readonly string[] },
): HintMatches {
  const sources = new Map<string, GitHint>();
  const images = new Map<string, ImageHint>();
  const unmatched: Hint[] = [];
  for (const hint of hints) {
    const found = hint.kind === "git" ? sourcesForHint(hint, config.sources, config.configDir) : imagesForHint(hint, config.images);
    if (found.length === 0) unmatched.push(hint);
    for (const name of found) {
      if (hint.kind === "git") sources.set(name, hint);
      else images.set(name, hint);
    }
  }
  return { sources, images, unmatched };
}

/** `domain/path` and the tag of a reference (a pushed repository has no tag), or undefined when it is none. */
function normalized(text: string): { name: string; tag?: string } | undefined {
  try {
    const { tag } = parseReference(text);
    const ref = normalizeReference(text);
    return { name: `${ref.domain}/${ref.path}`, ...(tag === undefined ? {} : { tag }) };
  } catch {
    return undefined;
  }
}
