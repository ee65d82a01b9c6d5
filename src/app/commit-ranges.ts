import { LABELS } from "../builder/image-labels.js";

/** The labels the builder puts on every image (src/builder/image-labels.ts) that name its commits. */
const REVISION_LABEL = "org.opencontainers.image.revision";
const SEALED_PREFIX = "dev.slipway.sealed.";

/** What release notes need of an image's definition in slipway.yml. */
export interface ImageSources {
  readonly name: string;
  /** The source of its build context, when that is a git source. */
  readonly context?: { readonly source: string; readonly path: string };
  /** Mount -> source. */
  readonly seal: Readonly<Record<string, string>>;
}

/** One source the image is made of, at the commit the running image and the new one were built from. */
export interface CommitRange {
  readonly source: string;
  readonly from: string;
  readonly to: string;
  /** The paths whose commits count: the context directory, or the sealed source's `paths:`. */
  readonly paths: readonly string[];
}

/**
 * The commit ranges between two builds of `image`, from their labels: the context's source at
 * the definition commit (org.opencontainers.image.revision) and each sealed source at its
 * commit (dev.slipway.sealed.<mount> = source@commit). A sealed source that is also the
 * context's counts once, by its sealed commit (what the image runs). Undefined when either
 * image is not Slipway's build of `image` (an external image, another image): no notes.
 */
export function commitRanges(
  image: ImageSources,
  running: Readonly<Record<string, string>>,
  next: Readonly<Record<string, string>>,
  pathsOf: (source: string) => readonly string[],
): CommitRange[] | undefined {
  if (running[LABELS.image] !== image.name || next[LABELS.image] !== image.name) return undefined;
  const ranges = new Map<string, CommitRange>();
  for (const [mount, source] of Object.entries(image.seal)) {
    const from = sealedCommit(running[`${SEALED_PREFIX}${mount}`], source);
    const to = sealedCommit(next[`${SEALED_PREFIX}${mount}`], source);
    if (from !== undefined && to !== undefined && !ranges.has(source)) ranges.set(source, { source, from, to, paths: pathsOf(source) });
  }
  const context = image.context;
  const [from, to] = [running[REVISION_LABEL], next[REVISION_LABEL]];
  if (context !== undefined && !ranges.has(context.source) && isCommit(from) && isCommit(to)) {
    ranges.set(context.source, { source: context.source, from, to, paths: [context.path] });
  }
  return [...ranges.values()];
}

function sealedCommit(label: string | undefined, source: string): string | undefined {
  if (label === undefined || !label.startsWith(`${source}@`)) return undefined;
  const commit = label.slice(source.length + 1);
  return isCommit(commit) ? commit : undefined;
}

function isCommit(value: string | undefined): value is string {
  return value !== undefined && /^[0-9a-f]{7,64}$/.test(value);
}
