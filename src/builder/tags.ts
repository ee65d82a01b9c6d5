import { timestampTag, versionCountShaTag } from "../graph/tag-schemes.js";
import type { FingerprintInputs } from "../graph/fingerprint.js";
import type { SourceReader } from "./ports.js";
import type { BuildTarget } from "./targets.js";
import { resolveVersion } from "./version.js";

/**
 * The tag a new build gets under its target's scheme. The commit a tag names is the image's
 * main code: its first sealed source, else its definition. Under version-count-sha the count
 * is `git rev-list --count` of that commit (every commit it contains, as seed 003 counts), so
 * it grows with each commit of the branch and never restarts at a tag; the version comes from
 * src/builder/version.ts.
 */
export async function newTag(target: BuildTarget, inputs: Pick<FingerprintInputs, "definition" | "sealed">, sources: SourceReader, now: Date): Promise<string> {
  const [firstSeal] = Object.values(inputs.sealed);
  const code = firstSeal ?? (inputs.definition.source === "local" ? undefined : inputs.definition);
  switch (target.tagScheme) {
    case "timestamp":
      return timestampTag(now);
    case "sha":
      return (code?.commit ?? inputs.definition.commit.replace(/^dir:/, "")).slice(0, 12);
    case "version-count-sha": {
      if (!code) return versionCountShaTag({ version: "0.0.0", count: 0, sha: inputs.definition.commit.replace(/^dir:/, "") });
      const facts = await sources.versionFacts(code.source, code.commit);
      const { version } = resolveVersion(facts, sources.branch(code.source));
      return versionCountShaTag({ version, count: facts.count, sha: facts.sha });
    }
  }
}
