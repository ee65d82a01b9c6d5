import { chooseDockerfile, type DockerfileVariant } from "./dockerfile-choice.js";
import { fromArgProblems } from "./parent-arg.js";
import type { BuildTarget } from "./targets.js";

/**
 * What `slipway validate` and `slipway plan` warn about in the Dockerfiles: a FROM whose build
 * arg Slipway leaves empty (the build would fail with "base name ... should not be blank"), a
 * `parent_arg:` on an image without `from:`, and two variants of one environment's Dockerfile
 * (by environment name and by branch name) where only one can win. The reads go through
 * ContextFiles, so the same check runs over a plan's sources and validate's offline copies.
 */
export interface DockerfileWarning {
  readonly image: string;
  /** Where, as a person finds it: source:path/Dockerfile or a local path. */
  readonly file: string;
  readonly line?: number;
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

export interface DockerfileCheck {
  readonly warnings: readonly DockerfileWarning[];
  /** Images whose Dockerfiles could not be read here (validate: a source not mirrored yet). */
  readonly notChecked: readonly string[];
}

/** The files of one image's build context. */
export interface ContextFiles {
  /** A file's text, or undefined when the context has no such file. */
  read(name: string): Promise<string | undefined>;
  where(name: string): string;
  /** The branch the context is read at (source contexts). */
  readonly branch?: string;
}

/** The context of an image, or undefined when it cannot be read here. */
export type OpenContext = (target: BuildTarget) => Promise<ContextFiles | undefined>;

/**
 * Checks each image's Dockerfile and, for each environment given, the variant that environment
 * builds with (src/builder/dockerfile-choice.ts).
 */
export async function checkDockerfiles(targets: Iterable<BuildTarget>, open: OpenContext, variants: readonly DockerfileVariant[]): Promise<DockerfileCheck> {
  const warnings: DockerfileWarning[] = [];
  const notChecked: string[] = [];
  for (const target of targets) {
    if (target.parentArg !== undefined && target.from === undefined) {
      warnings.push({
        image: target.name,
        file: "slipway.yml",
        message: `image ${target.name} sets parent_arg: ${target.parentArg} but has no from:, so no parent is passed`,
        fix: "add `from:` (the parent image) or remove `parent_arg:`",
      });
    }
    const files = await open(target);
    if (files === undefined) {
      notChecked.push(target.name);
      continue;
    }
    warnings.push(...(await checkTarget(target, files, variants)));
  }
  return { warnings, notChecked };
}

async function checkTarget(target: BuildTarget, files: ContextFiles, variants: readonly DockerfileVariant[]): Promise<DockerfileWarning[]> {
  const warnings: DockerfileWarning[] = [];
  const used = new Set<string>([target.dockerfile]);
  const texts = new Map<string, Promise<string | undefined>>();
  const read = (name: string): Promise<string | undefined> => {
    let known = texts.get(name);
    if (known === undefined) {
      known = files.read(name);
      texts.set(name, known);
    }
    return known;
  };
  for (const variant of variants) {
    const choice = await chooseDockerfile(target.dockerfile, variant, async (name) => (await read(name)) !== undefined, files.branch);
    used.add(choice.dockerfile);
    if (choice.shadowed.length === 0) continue;
    warnings.push({
      image: target.name,
      file: files.where(choice.dockerfile),
      message: `both ${[choice.dockerfile, ...choice.shadowed].join(" and ")} exist for environment ${variant.env}; ${choice.dockerfile} is used`,
      fix: `remove or rename the one you do not mean (the environment's name wins over a branch's: docs/config.md#images)`,
    });
  }
  for (const name of used) {
    const text = await read(name);
    if (text === undefined) continue; // a missing Dockerfile is the plan's error (DOCKERFILE_NOT_FOUND)
    for (const problem of fromArgProblems(target, text)) {
      warnings.push({ image: target.name, file: files.where(name), line: problem.line, message: problem.message, fix: problem.fix });
    }
  }
  return warnings;
}
