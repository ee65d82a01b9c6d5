import { openBuildSession, type BuildSession } from "../builder/session.js";
import { chooseEnvironment } from "../deploy/index.js";
import { describeReason, type Plan, type Reason } from "../graph/plan.js";
import type { AppContext } from "./context.js";
import { planDockerfiles, type DockerfileWarning } from "./dockerfile-warnings.js";

/** `slipway plan --json`, GET /api/v1/plan: each image's action, with the reasons in words. */
export interface PlanJson {
  toBuild: string[];
  images: PlanImageJson[];
  /** What the planned images' Dockerfiles would get wrong (app/dockerfile-warnings.ts); `slipway plan` only. */
  warnings?: DockerfileWarning[];
}

export type PlanImageJson =
  | { image: string; action: "up-to-date"; fingerprint: string; digest: string }
  | { image: string; action: "build"; reasons: (Reason & { text: string })[]; fingerprint?: string };

export interface PlanInput {
  /** Images to plan (all when empty); the images they are built on are planned too. */
  readonly images: readonly string[];
  /** Plan with the environment's Dockerfile variants. */
  readonly env?: string;
  readonly force?: boolean;
}

/** Which images must be rebuilt, and why, with warnings about their Dockerfiles; nothing is built. */
export async function planImages(context: AppContext, input: PlanInput): Promise<PlanJson> {
  const { session, plan } = await planSession(context, input);
  const images = plan.entries.map((entry) => entry.image);
  const check = await planDockerfiles(session, context.loaded.config, images, input.env);
  return { ...planJson(plan), warnings: [...check.warnings] };
}

export async function planSession(context: AppContext, input: PlanInput): Promise<{ session: BuildSession; plan: Plan }> {
  // With no environments declared, --env only picks Dockerfile variants; otherwise it must name one.
  if (input.env !== undefined && Object.keys(context.loaded.config.environments).length > 0) chooseEnvironment(context.loaded.config, input.env);
  const session = openBuildSession({
    config: context.loaded.config,
    configDir: context.loaded.dir,
    stateDir: context.stateDir,
    store: context.store,
    ...(input.env === undefined ? {} : { env: input.env }),
  });
  const plan = await session.plan(input.images, { force: input.force === true });
  return { session, plan };
}

export function planJson(plan: Plan): PlanJson {
  return {
    toBuild: [...plan.toBuild],
    images: plan.entries.map((entry): PlanImageJson =>
      entry.action === "up-to-date"
        ? { image: entry.image, action: entry.action, fingerprint: entry.fingerprint, digest: entry.digest }
        : {
            image: entry.image,
            action: entry.action,
            reasons: entry.reasons.map((r) => ({ ...r, text: describeReason(r) })),
            ...(entry.fingerprint === undefined ? {} : { fingerprint: entry.fingerprint }),
          },
    ),
  };
}
