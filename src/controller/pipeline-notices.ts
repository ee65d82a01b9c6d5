import type { NotifyEventInput } from "../notify/index.js";
import type { PipelineEvent } from "./pipeline.js";

/**
 * What people hear about a pipeline: every image built or failed, every deployment (a failed
 * one was rolled back by the engine: the old revision kept serving). Runs that only found
 * everything up to date say nothing.
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
        const error = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
        return {
          event: "build",
          title: `Build of ${outcome.image} failed`,
          subject: outcome.image,
          environment,
          outcome: "failed",
          detail: { run: event.run.id, commit: event.run.commit.slice(0, 12), error },
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
            detail: { run: event.run.id, revision: event.revision },
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
