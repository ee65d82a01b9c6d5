import assert from "node:assert/strict";
import { test } from "node:test";
import { failureDetail } from "../../../src/app/failure-detail.js";
import { toWire } from "../../../src/app/wire.js";
import { failedOutcomes, renderRun } from "../../../src/cli/pipeline-view.js";
import { SlipwayError } from "../../../src/errors/index.js";
import type { PipelineRunRecord, PipelineStep } from "../../../src/store/index.js";

const testFailure = new SlipwayError("TEST_FAILED", 'test "answers" of app failed with exit code 3', { details: ["$ sh -c check", "the answer was 41"] });

test("a failure keeps its message, and a SlipwayError's detail lines as its output", () => {
  assert.deepEqual(failureDetail(testFailure), { error: 'test "answers" of app failed with exit code 3', output: ["$ sh -c check", "the answer was 41"] });
  assert.deepEqual(failureDetail(new Error("no space left")), { error: "no space left" });
  assert.deepEqual(failureDetail("odd"), { error: "odd" });
});

test("pipeline show prints each failed image of a step with its error and output, read leniently", () => {
  const detail = {
    outcomes: [
      { image: "base", outcome: "built" },
      { image: "app", outcome: "failed", ...failureDetail(testFailure) },
      { image: "old", outcome: "failed", error: "from an older controller" },
      { outcome: "failed", error: 7 },
      "junk",
    ],
  };
  assert.deepEqual(failedOutcomes(detail), [
    { image: "app", error: 'test "answers" of app failed with exit code 3', output: ["$ sh -c check", "the answer was 41"] },
    { image: "old", error: "from an older controller", output: [] },
  ]);
  assert.deepEqual(failedOutcomes(undefined), []);
  const startedAt = new Date("2026-01-02T03:04:05.000Z");
  const finishedAt = new Date("2026-01-02T03:04:07.000Z");
  const run: PipelineRunRecord = {
    id: 4,
    environment: "test1",
    source: "app",
    branch: "main",
    commit: "0123456789abcdef",
    status: "failed",
    trigger: "cli",
    startedAt,
    finishedAt,
    error: "build of app failed",
    summary: {},
  };
  const step: PipelineStep = { runId: 4, seq: 2, name: "build", status: "failed", detail, startedAt, finishedAt, error: "a build or test failed" };
  const text = renderRun(toWire(run), toWire([step]));
  assert.match(
    text,
    /^ {4}build: failed 2\.0 s — a build or test failed\n {6}app: test "answers" of app failed with exit code 3\n {8}\$ sh -c check\n {8}the answer was 41\n {6}old: from an older controller\n {4}build of app failed\n$/m,
  );
});
