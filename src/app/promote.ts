import { digestsFor } from "../autoupdate/tag-digest.js";
import { chooseEnvironment, currentRevision, processHolder } from "../deploy/index.js";
import { SlipwayError } from "../errors/index.js";
import { splitImageRef } from "../engine/index.js";
import { mapAttempt, type Attempt } from "./attempt.js";
import type { AppContext } from "./context.js";
import { firstAnswering, fleetOf } from "./fleet-hosts.js";
import { deployTarget, requestDeploy, type DeployOutcome } from "./deploy.js";
import { localActor } from "./held-deploys.js";

export interface PromoteInput {
  readonly service: string;
  /** The environment whose running image is promoted. */
  readonly from: string;
  /** The environment it is deployed to, with that environment's configuration. */
  readonly to: string;
  readonly trigger: string;
  readonly dryRun?: boolean;
  readonly waitMs?: number;
  /** Pass `to`'s maintenance windows and freeze for this reason (audited); approvals still hold. */
  readonly urgent?: string;
}

export interface PromoteOutcome extends DeployOutcome {
  readonly from: { readonly environment: string; readonly revision: number; readonly image: string };
}

/**
 * `slipway promote SERVICE --from test1 --to prod`: deploys to `to` exactly the image that runs
 * in `from`, pinned by its registry digest (a tag that moved since makes no difference), with
 * `to`'s own configuration (variables, replicas, ports, update settings) and through the one
 * deploy path (lock, health gate, rollback, records, notifications).
 */
export async function promoteService(context: AppContext, input: PromoteInput, log: (line: string) => void, actor?: string): Promise<Attempt<PromoteOutcome>> {
  const config = context.loaded.config;
  const from = chooseEnvironment(config, input.from);
  const { service, environment: to } = deployTarget(config, input.service, input.to);
  if (from === to) {
    throw new SlipwayError("USAGE", `promote takes two different environments: --from and --to are both ${to}`, {
      hint: `e.g. slipway promote ${service} --from ${from} --to prod`,
    });
  }
  const source = await currentRevision({ store: context.store }, service, from);
  if (source === undefined) {
    throw new SlipwayError("REVISION_NOT_FOUND", `${service} was never deployed to ${from}: there is nothing to promote`, {
      hint: `\`slipway status ${service}\` shows where it runs; deploy it to ${from} first`,
    });
  }
  const image = await pinnedImage(context, service, from, source.image, source.imageId);
  log(`promoting ${service}: revision ${source.revision} of ${from} runs ${image}`);
  const outcome = await requestDeploy(
    context,
    {
      service,
      environment: to,
      image,
      trigger: input.trigger,
      requestedBy: actor ?? localActor(),
      ...(input.urgent === undefined ? {} : { urgent: input.urgent }),
      ...(input.dryRun === true ? { dryRun: true } : {}),
      ...(input.waitMs === undefined ? {} : { waitMs: input.waitMs }),
    },
    log,
  );
  if (outcome.ok && outcome.value.status !== "planned" && outcome.value.status !== "queued") {
    await context.store.appendAudit({
      actor: actor ?? processHolder(),
      action: "deploy.promote",
      subject: service,
      detail: { from, to, fromRevision: source.revision, revision: outcome.value.revision, image },
    });
  }
  return mapAttempt(outcome, (value) => ({ ...value, from: { environment: from, revision: source.revision, image } }));
}

/**
 * The image of `reference` (deployed as the local image `imageId`) by its registry digest,
 * repository@sha256:…, as the source environment's engine knows it. An image that was never
 * pushed or pulled has no such digest and cannot be promoted exactly.
 */
async function pinnedImage(context: AppContext, service: string, environment: string, reference: string, imageId: string | undefined): Promise<string> {
  // On several hosts: as the first host that answers knows it (every host runs the same image).
  const fleet = fleetOf(context.loaded, (env, host) => context.engine(env, host), service, environment);
  const engine = fleet === undefined ? await context.engine(environment) : await firstAnswering(fleet.hosts);
  const image = await engine.inspectImage(imageId ?? reference);
  if (image === undefined) {
    throw new SlipwayError("IMAGE_NOT_FOUND", `the image ${reference} that runs in ${environment} is no longer on its engine (${engine.address})`, {
      hint: `deploy it again there, or name the image: slipway deploy SERVICE --env TARGET --image REF`,
    });
  }
  const [digest] = digestsFor(image.repoDigests, reference);
  if (digest === undefined) {
    throw new SlipwayError(
      "IMAGE_NOT_FOUND",
      `the image ${reference} that runs in ${environment} has no registry digest: it was never pushed to or pulled from ${splitImageRef(reference).repository}`,
      {
        hint: "push it (a pipeline run with a registry does), then promote; or deploy it by name with --image",
      },
    );
  }
  return `${splitImageRef(reference).repository}@${digest}`;
}
