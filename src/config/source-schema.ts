import * as z from "zod";
import { branchSchema } from "./common-schemas.js";
import { durationAtLeast } from "./units.js";

/** sources.<name>: a git repository and branch, optionally narrowed to paths. */
export const sourceSchema = z
  .strictObject({
    repo: z
      .string()
      .min(1, "expected a git URL or path")
      .describe("The git repository: https://, ssh://, git@host:path or file:// URL, or a path (relative paths are relative to this file's directory)."),
    branch: branchSchema.default("main").describe("The branch to follow. Default: main."),
    paths: z
      .array(z.string().min(1, "expected a path"))
      .optional()
      .describe("Only commits touching these paths (directories end with /) count as changes. Default: the whole repository."),
    poll: durationAtLeast("1s", "each check runs git ls-remote against the remote")
      .optional()
      .describe("How often to check the branch for new commits, e.g. 1m. Default: no polling (webhooks, schedules or a person trigger builds)."),
  })
  .describe("A git repository and branch that images are built from.");

export type SourceConfig = z.output<typeof sourceSchema>;
