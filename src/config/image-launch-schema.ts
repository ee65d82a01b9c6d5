import * as z from "zod";
import { envSchema, nameSchema } from "./common-schemas.js";

/** images.<name>.launch: how `slipway run` starts this image by hand. */

const containerPathSchema = z.string().regex(/^\/(?!.*(?:^|\/)\.\.(?:\/|$)).*$/, "expected an absolute path inside the container (starting with /, no ..)");

export const launchMountSchema = z
  .strictObject({
    source: nameSchema.describe("The source (of `sources:`) whose checkout is mounted in the dev profile."),
    target: containerPathSchema.describe("Where the checkout appears inside the container, e.g. /src/app1; also $SOURCE_DIR."),
    path: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The local checkout to mount (relative paths are relative to this file's directory). Default: the source's repo, when it is a local working tree.",
      ),
  })
  .describe("The source checkout mounted read-write in the dev profile.");

export const launchProfiles = ["dev", "prod"] as const;

export const imageLaunchSchema = z
  .strictObject({
    profile: z
      .enum(launchProfiles)
      .default("prod")
      .describe("The profile `slipway run` uses without --profile: prod (the sealed code, default) or dev (the source checkout mounted)."),
    mount: launchMountSchema.optional(),
    workdir: containerPathSchema.optional().describe("The working directory inside the container. Default: the mount target in dev, the image's own in prod."),
    env: envSchema.optional(),
    home: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The host directory holding data/, logs/, config/ and tmp/ for this image, in `slipway run` and in the jobs run in it (relative to this file's directory). Default: ~/.local/share/slipway/run/<image>.",
      ),
  })
  .describe("How `slipway run` launches this image: profile, dev mount, working directory, environment, host directories.");

export type ImageLaunchConfig = z.output<typeof imageLaunchSchema>;
export type LaunchProfile = (typeof launchProfiles)[number];
