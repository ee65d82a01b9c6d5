import { SlipwayError } from "../errors/index.js";
import { fingerprintTag, type FingerprintInputs } from "../graph/fingerprint.js";
import type { PlanPorts } from "../graph/plan.js";
import type { Store } from "../store/index.js";
import type { DockerfileVariant } from "./dockerfile-choice.js";
import { resolveInputs, type OwnInputs } from "./inputs.js";
import type { RegistryReader, SourceReader } from "./ports.js";
import type { BuildTarget } from "./targets.js";

export interface PlanContext {
  readonly targets: ReadonlyMap<string, BuildTarget>;
  readonly sources: SourceReader;
  readonly registry: RegistryReader;
  readonly store: Store;
  /** The environment whose Dockerfile variants are used, if any, with the branches it binds. */
  readonly variant?: DockerfileVariant;
}

/** The planner's ports over the real sources, registry and store; every answer is remembered for the run. */
export function createPlanPorts(context: PlanContext): PlanPorts {
  const inputs = new Map<string, Promise<OwnInputs>>();
  const target = (image: string): BuildTarget => {
    const found = context.targets.get(image);
    if (!found) throw new SlipwayError("INTERNAL", `the planner asked for an unknown image ${image}`);
    return found;
  };
  return {
    inputsOf(image) {
      let known = inputs.get(image);
      if (!known) {
        known = resolveInputs(target(image), context.sources, context.variant);
        inputs.set(image, known);
      }
      return known;
    },
    async baseDigest(ref) {
      const digest = await context.registry.digest(ref);
      if (digest === undefined) {
        throw new SlipwayError("IMAGE_NOT_FOUND", `the base image ${ref} does not exist in its registry`, {
          hint: "check the image's `from:` (name and tag), and that the registry is the one you mean",
        });
      }
      return digest;
    },
    findByFingerprint(image, fp) {
      return context.registry.digest(`${target(image).repository}:${fingerprintTag(fp)}`);
    },
    async previousInputs(image) {
      const [last] = await context.store.listBuilds({ image, status: "succeeded", limit: 1 });
      return last?.inputs as FingerprintInputs | undefined;
    },
    async changedPaths(source, from, to, scope) {
      if (source === "local") return [];
      const paths = scope.path !== undefined ? [scope.path] : context.sources.includedPaths(source);
      try {
        return await context.sources.changedPaths(source, from, to, paths);
      } catch {
        // The old commit may be gone (a force-push); the reason still names both commits.
        return [];
      }
    },
  };
}
