import type { CommitLog } from "../sources/index.js";

/**
 * Release notes for a deployment between two images Slipway built: the subjects of the commits
 * between what ran and what runs now, per source the image is made of (its context and its
 * sealed sources). Pure: src/app/commit-ranges.ts says which commits two images were built
 * from, src/app/release-notes-reader.ts reads their labels and asks git.
 */

/** The most commit subjects a notice and a deployment record carry; the rest are counted. */
export const RELEASE_NOTES_LIMIT = 20;

export interface SourceHistory {
  readonly source: string;
  readonly from: string;
  readonly to: string;
  /** What git said, or why it could not be asked (the source is gone from slipway.yml, its remote cannot be read). */
  readonly log: CommitLog | { readonly kind: "unreadable"; readonly reason: string };
}

export interface ReleaseNotes {
  /** Commit subjects, newest first, at most RELEASE_NOTES_LIMIT; "source: subject" when several sources changed. */
  readonly changes: readonly string[];
  /** Commits left out past the limit. */
  readonly more: number;
  /** One line per source whose history could not be listed as it is (unknown, rewritten, going back). */
  readonly notes: readonly string[];
}

/** The notes for what each source's history says, in the order given. */
export function releaseNotes(histories: readonly SourceHistory[], limit: number = RELEASE_NOTES_LIMIT): ReleaseNotes {
  const listed = histories.filter((h) => h.log.kind === "commits" && h.log.subjects.length > 0);
  const prefix = listed.length > 1;
  const subjects: string[] = [];
  let total = 0;
  const notes: string[] = [];
  for (const { source, from, to, log } of histories) {
    const note = historyNote(source, from, to, log);
    if (note !== undefined) notes.push(note);
    if (log.kind !== "commits") continue;
    total += log.total;
    subjects.push(...log.subjects.map((subject) => (prefix ? `${source}: ${subject}` : subject)));
  }
  const changes = subjects.slice(0, limit);
  return { changes, more: Math.max(0, total - changes.length), notes };
}

/** Notes that say only why the history is not known (the running image is gone, say). */
export function unknownHistory(reason: string): ReleaseNotes {
  return { changes: [], more: 0, notes: [`history unknown: ${reason}`] };
}

/** The lines a person reads: each subject, "and N more", then each note. */
export function releaseNotesLines(notes: ReleaseNotes): string[] {
  return [...notes.changes, ...(notes.more > 0 ? [`and ${notes.more} more`] : []), ...notes.notes];
}

/**
 * The notes as a notification's detail: `changes` (the subjects), `moreChanges` (how many were
 * left out) and `changesNote` (why some history is missing), the last two when they apply.
 */
export function releaseNotesDetail(notes: ReleaseNotes | undefined): Record<string, unknown> {
  if (notes === undefined) return {};
  return {
    changes: notes.changes,
    ...(notes.more > 0 ? { moreChanges: notes.more } : {}),
    ...(notes.notes.length > 0 ? { changesNote: notes.notes.join("; ") } : {}),
  };
}

/**
 * The notes kept in a deployment step's detail (RELEASE_NOTES_STEP), read leniently; undefined
 * without a list of changes. No schema library: `slipway history` renders these and the CLI
 * loads no heavy module before a command runs (test/integration/cli/start-up.test.ts).
 */
export function storedReleaseNotes(detail: Readonly<Record<string, unknown>>): ReleaseNotes | undefined {
  const { changes, more, notes } = detail;
  if (!isStrings(changes)) return undefined;
  return { changes, more: typeof more === "number" && Number.isInteger(more) && more > 0 ? more : 0, notes: isStrings(notes) ? notes : [] };
}

/** The deployment step that records the notes (after the deployment succeeded). */
export const RELEASE_NOTES_STEP = "changes";

function historyNote(source: string, from: string, to: string, log: SourceHistory["log"]): string | undefined {
  switch (log.kind) {
    case "same":
      return undefined;
    case "unreadable":
      return `${source}: history unknown (${log.reason})`;
    case "unknown":
      return `${source}: history unknown (commit ${short(log.missing)} is not in the mirror)`;
    case "behind":
      return `${source}: goes back ${log.total} ${log.total === 1 ? "commit" : "commits"}, from ${short(from)} to ${short(to)}`;
    case "commits":
      return log.rewritten ? `${source}: history rewritten: ${short(from)} is not an ancestor of ${short(to)} (a force push?)` : undefined;
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function short(commit: string): string {
  return commit.slice(0, 7);
}
