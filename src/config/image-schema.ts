import * as z from "zod";
import { tagSchemes } from "../graph/tag-schemes.js";
import { argvSchema, envSchema, imageReferenceSchema, nameSchema, textMapSchema } from "./common-schemas.js";
import { parseContext, type ImageContext } from "./context.js";
import { imageLaunchSchema } from "./image-launch-schema.js";
import { REPOSITORY_PATTERN } from "./names.js";
import { durationSchema } from "./units.js";

const contextSchema = z
  .string({ error: "expected source:path (e.g. my-docker:base) or a local directory" })
  .transform((text, ctx): ImageContext => {
    const parsed = parseContext(text);
    if (typeof parsed !== "string") return parsed;
    ctx.issues.push({ code: "custom", message: parsed, input: text });
    return z.NEVER;
  })
  .describe("The build context: source:path (a directory of a source, e.g. my-docker:base; my-docker: for its root) or a local directory (./docker/base).");

const mountSchema = z
  .string()
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._/-]+$/, "expected a directory inside the build context (no leading / or ..)");

export const imageTestSchema = z
  .strictObject({
    name: z.string().min(1).describe("What the test checks, shown in progress and failures."),
    command: argvSchema.describe("The command to run in the built image, as a list of arguments; exit code 0 passes."),
    env: envSchema.optional(),
    timeout: durationSchema.optional().describe("Fail the test after this long, e.g. 10m. Default: 10m."),
  })
  .describe("A command run inside the built image before it is pushed.");

export const imageSchema = z
  .strictObject({
    context: contextSchema,
    dockerfile: z
      .string()
      .min(1)
      .default("Dockerfile")
      .describe(
        "The Dockerfile, relative to the context. Default: Dockerfile. Building for an environment E uses a variant beside it when one exists, the first of: Dockerfile.E, then Dockerfile.<branch> for each branch E binds (a / in the branch becomes -: release/1.0.1 -> Dockerfile.release-1.0.1). When both exist, E's name wins and validate and plan warn (docs/building.md).",
      ),
    from: imageReferenceSchema
      .optional()
      .describe(
        "The parent: another image of this file (by name) or an external reference (busybox:1.36, ghcr.io/x/y@sha256:...). Passed by digest as the PARENT build arg, as parent_arg, and as the ARG the Dockerfile's first FROM takes its image from (ARG PARENT_IMAGE / FROM ${PARENT_IMAGE}).",
      ),
    parent_arg: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected a build arg name (letters, digits and _), e.g. PARENT_IMAGE")
      .optional()
      .describe(
        "Another build arg the parent is passed under, besides PARENT: the name your Dockerfile's `ARG` uses (e.g. PARENT_IMAGE for `FROM ${PARENT_IMAGE}`). Needs `from:`.",
      ),
    seal: z
      .record(mountSchema, nameSchema)
      .optional()
      .describe("Sources sealed into the image: directory in the build context -> source name, exported at the built commit."),
    args: textMapSchema.optional().describe("Build args: NAME: value (numbers and booleans become text)."),
    labels: textMapSchema.optional().describe("Labels added to the image."),
    tests: z.array(imageTestSchema).optional().describe("Tests run in the built image; a failing test stops the push."),
    tag: z
      .enum(tagSchemes)
      .default("timestamp")
      .describe(
        "How images are tagged: timestamp (20180923T082316Z, default), sha, or version-count-sha (1.0.1-22-7e56158: the version, `git rev-list --count` of the built commit, its short sha). The version is the first of: a release branch's name (release/1.0.1), a VERSION file at the source's root, the last version tag (v1.0.1), 0.0.0 (docs/building.md).",
      ),
    repository: z
      .string()
      .regex(REPOSITORY_PATTERN, "expected host[:port]/path/name in lowercase")
      .optional()
      .describe("Where this image is pushed, overriding <registry>/<name>."),
    launch: imageLaunchSchema.optional(),
  })
  .describe("An image to build.");

export type ImageConfig = z.output<typeof imageSchema>;
export type ImageTestConfig = z.output<typeof imageTestSchema>;
