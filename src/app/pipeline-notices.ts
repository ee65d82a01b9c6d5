import type { ImageOutcome } from "../builder/execute.js";
import type { NotifyEventInput } from "../notify/index.js";
import type { PipelineRunRecord } from "../store/index.js";
import { failureDetail } from "./failure-detail.js";
import { releaseNotesDetail, type ReleaseNotes } from "./release-notes.js";

/** What a pipeline run reports as it goes (src/controller/pipeline.ts), for notifications and the controller's own bookkeeping. */
export type PipelineEvent =
  | { readonly kind: "started"; readonly run: PipelineRunRecord }
  | { readonly kind: "build"; readonly run: PipelineRunRecord; readonly outcome: ImageOutcome }
  | {
      readonly kind: "deploy";
      readonly run: PipelineRunRecord;
      readonly service: string;
      readonly ok: boolean;
      readonly revision?: number;
      readonly image: string;
      readonly error?: string;
      /** A new revision of an image Slipway built: the commits it brings. */
      readonly notes?: ReleaseNotes;
    }
  | { readonly kind: "run"; readonly run: PipelineRunRecord };

/**
 * What people hear about a pipeline: every image built or failed, every deployment (a failed
 * one was rolled back by the engine: the old revision kept serving). Runs that only found
 * everything up to date say nothing. The controller and `slipway pipeline run` both send these.
 */
export function pipelineNotice(event: PipelineEvent): NotifyEventInput | undefined {
  const environment = event.run.environment;
  switch (event.kind) {
    case "build": {
      const outcome = event.outcome;
      if (outcome.outcome === "built") {
        return {
          event: "build",
          title: `Built ${outcome.built.reference}`,
          subject: outcome.image,
          environment,
          outcome: "succeeded",
          detail: { run: event.run.id, commit: event.run.commit.slice(0, 12), digest: outcome.built.digest, durationMs: outcome.durationMs },
        };
      }
      if (outcome.outcome === "failed") {
        return {
          event: "build",
          title: `Build of ${outcome.image} failed`,
          subject: outcome.image,
          environment,
          outcome: "failed",
          detail: { run: event.run.id, commit: event.run.commit.slice(0, 12), ...failureDetail(outcome.error) },
        };
      }
      return undefined;
    }
    case "deploy":
      return event.ok
        ? {
            event: "deploy",
            title: `Deployed ${event.service} ${event.image} to ${environment}`,
            subject: event.service,
            environment,
            outcome: "succeeded",
            detail: { run: event.run.id, revision: event.revision, ...releaseNotesDetail(event.notes) },
          }
        : {
            event: "rollback",
            title: `Deploy of ${event.service} to ${environment} failed; the old revision kept serving`,
            subject: event.service,
            environment,
            outcome: "rolled-back",
            detail: { run: event.run.id, image: event.image, error: event.error },
          };
    case "started":
    case "run":
      return undefined;
  }
}
