import type { Wire } from "../app/wire.js";
import type { PipelineRunRecord, PipelineStep } from "../store/index.js";
import { formatDuration } from "./progress.js";

/** How `slipway pipeline` prints runs: one line per run; with its steps, each failed image's error and output tail under its step. */

export function runLine(run: Wire<PipelineRunRecord>): string {
  const took = run.finishedAt === undefined ? "running" : formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt));
  const by = run.controller === undefined ? "" : `  on ${run.controller}`;
  return `#${run.id}  ${run.environment}  ${run.source}@${run.branch} ${run.commit.slice(0, 7)}  ${run.status} (${took})  ${run.trigger}  ${run.startedAt}${by}`;
}

export function renderRun(run: Wire<PipelineRunRecord>, steps: readonly Wire<PipelineStep>[]): string {
  const lines = [runLine(run)];
  for (const step of steps) {
    const took = step.finishedAt === undefined ? "" : ` ${formatDuration(Date.parse(step.finishedAt) - Date.parse(step.startedAt))}`;
    lines.push(`    ${step.name}: ${step.status}${took}${step.error === undefined ? "" : ` — ${step.error}`}`);
    for (const failed of failedOutcomes(step.detail)) {
      lines.push(`      ${failed.image}: ${failed.error}`);
      for (const line of failed.output) lines.push(`        ${line}`);
    }
  }
  if (run.error !== undefined) lines.push(`    ${run.error}`);
  return `${lines.join("\n")}\n`;
}

interface FailedOutcome {
  readonly image: string;
  readonly error: string;
  readonly output: readonly string[];
}

/**
 * The failed images of a build step's detail (src/controller/pipeline.ts outcomeDetail): for a
 * failed test, its name in the error and the tail of its output. Read leniently: the detail
 * comes from the store or a controller, maybe of another version; what is not as expected is left out.
 */
export function failedOutcomes(detail: unknown): FailedOutcome[] {
  const outcomes = isRecord(detail) && Array.isArray(detail["outcomes"]) ? (detail["outcomes"] as unknown[]) : [];
  return outcomes.flatMap((outcome) => {
    if (!isRecord(outcome) || outcome["outcome"] !== "failed" || typeof outcome["error"] !== "string") return [];
    const output = Array.isArray(outcome["output"]) ? outcome["output"].filter((line): line is string => typeof line === "string") : [];
    return [{ image: typeof outcome["image"] === "string" ? outcome["image"] : "?", error: outcome["error"], output }];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
