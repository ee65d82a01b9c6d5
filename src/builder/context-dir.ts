import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SlipwayError } from "../errors/index.js";
import type { FingerprintInputs } from "../graph/fingerprint.js";
import type { SourceReader } from "./ports.js";
import { normalizePath, type BuildTarget } from "./targets.js";

export interface ContextDir {
  readonly dir: string;
  dispose(): void;
}

/**
 * The build context exactly as the fingerprint describes it: the definition directory at its
 * commit, and each sealed source's included paths at theirs, in a directory named for the
 * mount, so the Dockerfile can `COPY <mount> ...`.
 */
export async function materializeContext(
  target: BuildTarget,
  inputs: Pick<FingerprintInputs, "definition" | "sealed">,
  sources: SourceReader,
): Promise<ContextDir> {
  const dir = mkdtempSync(join(tmpdir(), `slipway-build-${target.name}-`));
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    if (target.context.kind === "local") cpSync(target.context.dir, dir, { recursive: true, filter: (path) => !path.endsWith("/.git") });
    else await sources.exportTree(target.context.source, inputs.definition.commit, inputs.definition.path, dir);
    for (const [mount, seal] of Object.entries(inputs.sealed)) await exportSealed(mount, seal, dir, sources);
    return { dir, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

async function exportSealed(mount: string, seal: { source: string; commit: string }, contextDir: string, sources: SourceReader): Promise<void> {
  const dest = join(contextDir, mount);
  if (existsSync(dest)) {
    throw new SlipwayError(
      "CONFIG_INVALID",
      `the sealed source ${seal.source} would be written to "${mount}/" in the build context, which the image's context already has`,
      {
        hint: `give the seal another mount name, or remove ${mount}/ from the image's context directory`,
      },
    );
  }
  const included = sources.includedPaths(seal.source).map(normalizePath);
  // Globs cannot be exported path by path: take the whole tree at the commit.
  if (included.length === 0 || included.some((path) => /[*?[]/.test(path))) {
    mkdirSync(dest, { recursive: true });
    await sources.exportTree(seal.source, seal.commit, "", dest);
    return;
  }
  for (const path of included) {
    const to = join(dest, path);
    mkdirSync(to, { recursive: true });
    await sources.exportTree(seal.source, seal.commit, path, to);
  }
}
