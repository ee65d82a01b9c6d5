import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SlipwayError } from "../errors/index.js";
import type { FingerprintInputs } from "../graph/fingerprint.js";
import { chooseDockerfile, type DockerfileVariant } from "./dockerfile-choice.js";
import type { SourceReader } from "./ports.js";
import { normalizePath, type BuildTarget } from "./targets.js";

export type OwnInputs = Omit<FingerprintInputs, "parentDigest">;

/**
 * What determines a target apart from its parent: the last commit that touched its context
 * directory (or a hash of a local context's files), the Dockerfile it is built with (for an
 * environment, its variant when the context has one: src/builder/dockerfile-choice.ts), the
 * last commit that touched each sealed source's included paths, and its build args and labels.
 */
export async function resolveInputs(target: BuildTarget, sources: SourceReader, variant?: DockerfileVariant): Promise<OwnInputs> {
  return {
    definition: await definitionOf(target, sources, variant),
    sealed: Object.fromEntries(
      await Promise.all(Object.entries(target.seal).map(async ([mount, source]) => [mount, { source, commit: await sealedCommit(source, sources) }] as const)),
    ),
    buildArgs: { ...target.args },
    labels: { ...target.labels },
  };
}

async function definitionOf(target: BuildTarget, sources: SourceReader, variant: DockerfileVariant | undefined): Promise<FingerprintInputs["definition"]> {
  const context = target.context;
  if (context.kind === "local") {
    const { dockerfile } = await chooseDockerfile(target.dockerfile, variant, async (name) => existsSync(join(context.dir, name)));
    if (!existsSync(join(context.dir, dockerfile))) throw dockerfileMissing(target, join(context.dir, dockerfile));
    return { source: "local", path: context.dir, dockerfile, commit: `dir:${hashDirectory(context.dir)}` };
  }
  const path = normalizePath(context.path);
  const head = await sources.head(context.source);
  const commit = await sources.lastCommitTouching(context.source, head, [path]);
  const inContext = (name: string): string => (path === "" ? name : `${path}/${name}`);
  const { dockerfile } = await chooseDockerfile(
    target.dockerfile,
    variant,
    (name) => sources.fileExists(context.source, commit, inContext(name)),
    sources.branch(context.source),
  );
  if (dockerfile === target.dockerfile && !(await sources.fileExists(context.source, commit, inContext(dockerfile)))) {
    throw dockerfileMissing(target, `${context.source}:${inContext(dockerfile)} (commit ${commit.slice(0, 7)})`);
  }
  return { source: context.source, path, dockerfile, commit };
}

function dockerfileMissing(target: BuildTarget, where: string): SlipwayError {
  return new SlipwayError("DOCKERFILE_NOT_FOUND", `image ${target.name} has no Dockerfile: ${where} does not exist`, {
    hint: "check the image's context and dockerfile in slipway.yml, or commit the Dockerfile",
  });
}

async function sealedCommit(source: string, sources: SourceReader): Promise<string> {
  const head = await sources.head(source);
  return sources.lastCommitTouching(source, head, sources.includedPaths(source).map(normalizePath));
}

/** sha256 over every file's relative path, mode and content, in a stable order (.git excluded). */
export function hashDirectory(dir: string): string {
  const hash = createHash("sha256");
  const walk = (relative: string): void => {
    for (const name of readdirSync(join(dir, relative)).sort()) {
      if (name === ".git") continue;
      const path = relative === "" ? name : `${relative}/${name}`;
      const stat = statSync(join(dir, path));
      if (stat.isDirectory()) {
        hash.update(`d ${path}\0`);
        walk(path);
      } else {
        hash
          .update(`f ${path} ${(stat.mode & 0o111) !== 0 ? "x" : "-"}\0`)
          .update(readFileSync(join(dir, path)))
          .update("\0");
      }
    }
  };
  walk("");
  return hash.digest("hex");
}
