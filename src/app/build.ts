import { pushedImages } from "../builder/environment-tags.js";
import type { ExecuteOptions, ImageOutcome } from "../builder/execute.js";
import { SlipwayError, formatError } from "../errors/index.js";
import type { AppContext } from "./context.js";
import { planJson, planSession, type PlanInput, type PlanJson } from "./plan.js";

export interface BuildInput extends PlanInput {
  /** Push each image after its tests pass. */
  readonly push: boolean;
  /** Independent images built at once. */
  readonly jobs: number;
  readonly noCache: boolean;
}

/** One image's outcome as `slipway build --json` and POST /api/v1/builds show it. */
export type OutcomeJson =
  | { image: string; outcome: "built"; tag: string; reference: string; digest?: string; fingerprint: string; durationMs: number }
  | { image: string; outcome: "failed"; error: string; durationMs: number }
  | { image: string; outcome: "skipped"; because: string }
  | { image: string; outcome: "up-to-date"; reference: string; digest: string };

/** `slipway build --json`: durationMs is absent when there was nothing to build. */
export interface BuildReportJson {
  ok: boolean;
  durationMs?: number;
  outcomes: OutcomeJson[];
  /** The environment tags moved to this run's pushed builds (with --push and --env), repository:env. */
  tagged?: string[];
}

export interface BuildRun {
  readonly plan: PlanJson;
  readonly report: BuildReportJson;
  /** The first failed image's error (the one the CLI exits with); undefined when all went well. */
  readonly failure?: SlipwayError;
}

export type BuildCallbacks = Pick<ExecuteOptions, "onStart" | "onProgress" | "onNote"> & {
  /** The plan, before anything is built. */
  readonly onPlan?: (plan: PlanJson) => void;
  readonly onOutcome?: (outcome: OutcomeJson) => void;
};

/** Plans, then builds (tests, pushes) what the plan says must be rebuilt, in dependency order. */
export async function buildImages(context: AppContext, input: BuildInput, callbacks: BuildCallbacks = {}): Promise<BuildRun> {
  const { session, plan } = await planSession(context, input);
  const planned = planJson(plan);
  callbacks.onPlan?.(planned);
  if (plan.toBuild.length === 0) {
    const tagged = input.push ? await session.tagEnvironment(pushedImages(plan)) : [];
    return { plan: planned, report: { ok: true, outcomes: [], ...(tagged.length === 0 ? {} : { tagged }) } };
  }
  const { onPlan: _onPlan, onOutcome, ...progress } = callbacks;
  const report = await session.build(plan, await context.engine(), {
    jobs: input.jobs,
    push: input.push,
    noCache: input.noCache,
    ...progress,
    onOutcome: (outcome: ImageOutcome) => {
      onOutcome?.(outcomeJson(outcome));
      notifyBuild(context, outcome);
    },
  });
  const failed = report.outcomes.find((o): o is Extract<ImageOutcome, { outcome: "failed" }> => o.outcome === "failed");
  // Each image built or up to date moves the environment's tag, even when another one failed.
  const tagged = input.push ? await session.tagEnvironment(pushedImages(plan, report)) : [];
  return {
    plan: planned,
    report: { ok: report.ok, durationMs: report.durationMs, outcomes: report.outcomes.map(outcomeJson), ...(tagged.length === 0 ? {} : { tagged }) },
    ...(failed === undefined ? {} : { failure: failureOf(failed) }),
  };
}

function notifyBuild(context: AppContext, outcome: ImageOutcome): void {
  if (outcome.outcome === "built") {
    context.notify?.({
      event: "build",
      title: `Built ${outcome.built.reference}`,
      subject: outcome.image,
      outcome: "succeeded",
      detail: { digest: outcome.built.digest, durationMs: outcome.durationMs },
    });
  } else if (outcome.outcome === "failed") {
    context.notify?.({
      event: "build",
      title: `Build of ${outcome.image} failed`,
      subject: outcome.image,
      outcome: "failed",
      detail: { error: failureOf(outcome).message },
    });
  }
}

function failureOf(failed: Extract<ImageOutcome, { outcome: "failed" }>): SlipwayError {
  if (failed.error instanceof SlipwayError) return failed.error;
  return new SlipwayError("BUILD_FAILED", `${failed.image} failed: ${failed.error instanceof Error ? failed.error.message : String(failed.error)}`);
}

export function outcomeJson(outcome: ImageOutcome): OutcomeJson {
  switch (outcome.outcome) {
    case "built":
      return {
        image: outcome.image,
        outcome: "built",
        tag: outcome.built.tag,
        reference: outcome.built.reference,
        ...(outcome.built.digest === undefined ? {} : { digest: outcome.built.digest }),
        fingerprint: outcome.built.fingerprint,
        durationMs: outcome.durationMs,
      };
    case "failed":
      return { image: outcome.image, outcome: "failed", error: formatError(outcome.error, { debug: false }), durationMs: outcome.durationMs };
    case "skipped":
      return { image: outcome.image, outcome: "skipped", because: outcome.because };
    case "up-to-date":
      return { image: outcome.image, outcome: "up-to-date", reference: outcome.reference, digest: outcome.digest };
  }
}
