import { join } from "node:path";
import { LABELS } from "../builder/image-labels.js";
import type { Config } from "../config/index.js";
import type { Engine } from "../engine/index.js";
import { commitLog, openMirrors } from "../sources/index.js";
import type { RevisionRecord } from "../store/index.js";
import { commitRanges, type CommitRange, type ImageSources } from "./commit-ranges.js";
import { releaseNotes, unknownHistory, RELEASE_NOTES_LIMIT, type ReleaseNotes, type SourceHistory } from "./release-notes.js";

/**
 * What changed between the revision that ran and the one that runs now, read from the two
 * images' labels and the sources' git mirrors under the state directory; undefined when the
 * new image is not one Slipway built from slipway.yml's images (or the old one is not).
 */
export type ReleaseNotesReader = (engine: Engine, running: RevisionRecord, next: RevisionRecord) => Promise<ReleaseNotes | undefined>;

/** Mirror reads (a fetch when the new commit is missing) stop after this long: notes never hold a deployment's caller for long. */
const GIT_TIMEOUT_MS = 60_000;

export function releaseNotesReader(input: { readonly config: Config; readonly configDir: string; readonly stateDir: string }): ReleaseNotesReader {
  const { config } = input;
  const mirrors = openMirrors({ cacheDir: join(input.stateDir, "mirrors"), baseDir: input.configDir, timeoutMs: GIT_TIMEOUT_MS });

  const history = async (range: CommitRange): Promise<SourceHistory> => {
    const declared = config.sources[range.source];
    const base = { source: range.source, from: range.from, to: range.to };
    if (declared === undefined) return { ...base, log: { kind: "unreadable", reason: "the source is no longer in slipway.yml" } };
    try {
      const mirror = await mirrors.ensure({ name: range.source, repo: declared.repo, branch: declared.branch }, range.to);
      return { ...base, log: await commitLog(mirror.dir, range.from, range.to, { paths: range.paths, limit: RELEASE_NOTES_LIMIT, counts: mirrors.counts }) };
    } catch (error) {
      return { ...base, log: { kind: "unreadable", reason: error instanceof Error ? error.message : String(error) } };
    }
  };

  return async (engine, running, next) => {
    const nextLabels = await labelsOf(engine, next);
    const name = nextLabels?.[LABELS.image];
    const image = name === undefined ? undefined : imageSources(config, name);
    if (image === undefined || nextLabels === undefined) return undefined;
    const runningLabels = await labelsOf(engine, running);
    if (runningLabels === undefined) return unknownHistory(`the image of revision ${running.revision} is no longer on ${engine.address}`);
    const ranges = commitRanges(image, runningLabels, nextLabels, (source) => config.sources[source]?.paths ?? []);
    if (ranges === undefined) return undefined;
    return releaseNotes(await Promise.all(ranges.map(history)));
  };
}

/** An image of slipway.yml as release notes see it; undefined when it is not declared there. */
function imageSources(config: Config, name: string): ImageSources | undefined {
  const declared = config.images[name];
  if (declared === undefined) return undefined;
  const context = declared.context.kind === "source" ? { source: declared.context.source, path: declared.context.path } : undefined;
  return { name, ...(context === undefined ? {} : { context }), seal: declared.seal ?? {} };
}

/** A revision's image labels, by its local image id when recorded; undefined when the image is gone. */
async function labelsOf(engine: Engine, revision: RevisionRecord): Promise<Readonly<Record<string, string>> | undefined> {
  for (const ref of [revision.imageId, revision.image]) {
    if (ref === undefined) continue;
    try {
      return await engine.imageLabels(ref);
    } catch {
      // the next reference, else gone
    }
  }
  return undefined;
}
