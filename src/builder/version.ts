import { SlipwayError } from "../errors/index.js";
import type { VersionFacts } from "../sources/index.js";

/**
 * The version of a `version-count-sha` tag (1.0.1-22-7e56158), first found of:
 *   1. the branch the code is read at, when its name carries one: release/1.0.1, hotfix/v1.0.2,
 *      release-1.0.1, 1.0.1 (the release the branch is for);
 *   2. a VERSION file at the root of the source at the built commit (one line, X.Y.Z or vX.Y.Z);
 *   3. the last version tag reachable from the commit (vX.Y.Z or X.Y.Z): the release it follows;
 *   4. 0.0.0.
 * Pure: src/sources/tree.ts#versionFacts reads the facts from git.
 */
export type VersionOrigin = "branch" | "version-file" | "tag" | "none";

export interface ResolvedVersion {
  /** X.Y.Z, without a leading v. */
  readonly version: string;
  readonly origin: VersionOrigin;
}

const VERSION = /^v?(\d+\.\d+\.\d+)$/;
const BRANCH_VERSION = /(?:^|[/-])v?(\d+\.\d+\.\d+)$/;

export function resolveVersion(facts: Pick<VersionFacts, "lastTag" | "versionFile">, branch: string | undefined): ResolvedVersion {
  const fromBranch = branch === undefined ? undefined : BRANCH_VERSION.exec(branch)?.[1];
  if (fromBranch !== undefined) return { version: fromBranch, origin: "branch" };
  if (facts.versionFile !== undefined) return { version: versionFileValue(facts.versionFile), origin: "version-file" };
  const fromTag = facts.lastTag === undefined ? undefined : VERSION.exec(facts.lastTag)?.[1];
  if (fromTag !== undefined) return { version: fromTag, origin: "tag" };
  return { version: "0.0.0", origin: "none" };
}

function versionFileValue(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  const version = VERSION.exec(line.trim())?.[1];
  if (version !== undefined) return version;
  throw new SlipwayError("BUILD_FAILED", `the VERSION file says "${line.trim().slice(0, 40)}", which is not a version X.Y.Z`, {
    hint: "write the version as X.Y.Z (e.g. 1.0.1) on the first line of VERSION, or remove the file to take the version from the branch or the last tag",
  });
}
