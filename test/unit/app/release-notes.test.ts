import assert from "node:assert/strict";
import { test } from "node:test";
import { commitRanges, type ImageSources } from "../../../src/app/commit-ranges.js";
import { releaseNotes, releaseNotesDetail, releaseNotesLines, storedReleaseNotes, unknownHistory, type SourceHistory } from "../../../src/app/release-notes.js";
import { eventPayload, slackPayload } from "../../../src/notify/index.js";

const OLD = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const NEW = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const OLD_LIB = "3333333ccccccccccccccccccccccccccccccccc";
const NEW_LIB = "4444444ddddddddddddddddddddddddddddddddd";

function commits(source: string, subjects: string[], total = subjects.length, rewritten = false): SourceHistory {
  return { source, from: OLD, to: NEW, log: { kind: "commits", subjects, total, rewritten } };
}

test("one source: the subjects newest first, as git log printed them, nothing left out", () => {
  const notes = releaseNotes([commits("app", ["Fix the greeting", "Add a health page"])]);
  assert.deepEqual(notes, { changes: ["Fix the greeting", "Add a health page"], more: 0, notes: [] });
  assert.deepEqual(releaseNotesLines(notes), ["Fix the greeting", "Add a health page"]);
  assert.deepEqual(releaseNotesDetail(notes), { changes: ["Fix the greeting", "Add a health page"] });
});

test("past the limit, the first subjects and 'and N more', counted over every commit git found", () => {
  const subjects = Array.from({ length: 20 }, (_, i) => `change ${45 - i}`);
  const notes = releaseNotes([commits("app", subjects, 45)]);
  assert.equal(notes.changes.length, 20);
  assert.equal(notes.changes[0], "change 45");
  assert.equal(notes.more, 25);
  assert.equal(releaseNotesLines(notes).at(-1), "and 25 more");
  assert.deepEqual(releaseNotesDetail(notes), { changes: subjects, moreChanges: 25 });
  assert.deepEqual(releaseNotes([commits("app", ["c", "b", "a"])], 2), { changes: ["c", "b"], more: 1, notes: [] });
});

test("several sources that moved: each subject names its source; one that stayed adds nothing", () => {
  const notes = releaseNotes([
    commits("app1", ["Faster report"]),
    { source: "my-docker", from: OLD_LIB, to: NEW_LIB, log: { kind: "commits", subjects: ["Pin pandas"], total: 1, rewritten: false } },
    { source: "infra", from: OLD, to: OLD, log: { kind: "same" } },
  ]);
  assert.deepEqual(notes, { changes: ["app1: Faster report", "my-docker: Pin pandas"], more: 0, notes: [] });
});

test("the same commits: no changes and nothing to explain", () => {
  const notes = releaseNotes([{ source: "app", from: OLD, to: OLD, log: { kind: "same" } }]);
  assert.deepEqual(notes, { changes: [], more: 0, notes: [] });
  assert.deepEqual(releaseNotesLines(notes), []);
  assert.deepEqual(releaseNotesDetail(notes), { changes: [] });
});

test("what cannot be listed is said: an unknown (garbage-collected) commit, a force push, going back, an unreadable remote", () => {
  const notes = releaseNotes([
    { source: "app", from: OLD, to: NEW, log: { kind: "unknown", missing: OLD } },
    commits("lib", ["Rewritten history"], 1, true),
    { source: "docs", from: NEW, to: OLD, log: { kind: "behind", total: 3 } },
    { source: "infra", from: OLD, to: NEW, log: { kind: "unreadable", reason: "cannot read the git remote ./infra" } },
  ]);
  assert.deepEqual(notes.changes, ["Rewritten history"], "a rewritten branch still lists the commits the new one has");
  assert.deepEqual(notes.notes, [
    "app: history unknown (commit 1111111 is not in the mirror)",
    "lib: history rewritten: 1111111 is not an ancestor of 2222222 (a force push?)",
    "docs: goes back 3 commits, from 2222222 to 1111111",
    "infra: history unknown (cannot read the git remote ./infra)",
  ]);
  assert.equal(releaseNotesDetail(notes).changesNote, notes.notes.join("; "));
  assert.deepEqual(unknownHistory("the image of revision 3 is gone"), { changes: [], more: 0, notes: ["history unknown: the image of revision 3 is gone"] });
});

test("notes kept in a deployment step read back leniently", () => {
  assert.deepEqual(storedReleaseNotes({ from: 1, to: 2, changes: ["a"], more: 2, notes: ["x"] }), { changes: ["a"], more: 2, notes: ["x"] });
  assert.deepEqual(storedReleaseNotes({ changes: ["a"], more: "lots", notes: [3] }), { changes: ["a"], more: 0, notes: [] });
  assert.equal(storedReleaseNotes({ from: 1, to: 2 }), undefined);
  assert.equal(storedReleaseNotes({ changes: [1, 2] }), undefined);
});

const app: ImageSources = { name: "app", context: { source: "app", path: "docker/app" }, seal: {} };
const built = (image: string, revision: string, sealed: Record<string, string> = {}): Record<string, string> => ({
  "dev.slipway.fingerprint": "f".repeat(64),
  "dev.slipway.image": image,
  "org.opencontainers.image.revision": revision,
  ...Object.fromEntries(Object.entries(sealed).map(([mount, value]) => [`dev.slipway.sealed.${mount}`, value])),
});

test("commit ranges: the context's source between the two definition commits, narrowed to the context directory", () => {
  assert.deepEqual(
    commitRanges(app, built("app", OLD), built("app", NEW), () => []),
    [{ source: "app", from: OLD, to: NEW, paths: ["docker/app"] }],
  );
});

test("commit ranges: each sealed source at its sealed commits, with its paths; a sealed source that is also the context counts once, by its seal", () => {
  const prod: ImageSources = { name: "app1-prod", context: { source: "my-docker", path: "app1-prod" }, seal: { src: "app1", self: "my-docker" } };
  const running = built("app1-prod", OLD, { src: `app1@${OLD_LIB}`, self: `my-docker@${OLD}` });
  const next = built("app1-prod", NEW, { src: `app1@${NEW_LIB}`, self: `my-docker@${OLD}` });
  assert.deepEqual(
    commitRanges(prod, running, next, (source) => (source === "app1" ? ["src/"] : [])),
    [
      { source: "app1", from: OLD_LIB, to: NEW_LIB, paths: ["src/"] },
      { source: "my-docker", from: OLD, to: OLD, paths: [] },
    ],
  );
});

test("commit ranges: none for an image Slipway did not build (external, or another image), a seal new in this build, garbage labels", () => {
  assert.equal(
    commitRanges(app, { "org.opencontainers.image.revision": OLD }, built("app", NEW), () => []),
    undefined,
  );
  assert.equal(
    commitRanges(app, built("other", OLD), built("app", NEW), () => []),
    undefined,
  );
  const sealed: ImageSources = { name: "app", seal: { src: "app" } };
  assert.deepEqual(
    commitRanges(sealed, built("app", OLD), built("app", NEW, { src: `app@${NEW}` }), () => []),
    [],
  );
  assert.deepEqual(
    commitRanges(sealed, built("app", OLD, { src: "app@--all" }), built("app", NEW, { src: `app@${NEW}` }), () => []),
    [],
  );
  assert.deepEqual(
    commitRanges(app, built("app", "HEAD"), built("app", NEW), () => []),
    [],
  );
});

test("a notification's text lists the changes under the facts, with 'and N more'; the webhook's detail carries them as data", () => {
  const notes = releaseNotes([commits("app", ["Fix <the> greeting", "Add a health page"], 5)]);
  const payload = eventPayload({
    event: "deploy",
    title: "Deployed app r2 to prod",
    subject: "app",
    environment: "prod",
    outcome: "succeeded",
    detail: { run: 2, revision: 2, ...releaseNotesDetail(notes) },
  });
  assert.deepEqual(payload.detail, { run: 2, revision: 2, changes: ["Fix <the> greeting", "Add a health page"], moreChanges: 3 });
  assert.deepEqual(slackPayload(payload).text.split("\n"), [
    "✅ Deployed app r2 to prod",
    "deploy · app · prod · succeeded",
    "run: 2 · revision: 2",
    "Changes:",
    "• Fix &lt;the&gt; greeting",
    "• Add a health page",
    "• and 3 more",
  ]);
});
