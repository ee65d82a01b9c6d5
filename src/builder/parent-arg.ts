import { parentArgOf, unsetFromArgs } from "./dockerfile-args.js";
import { PARENT_ARG, type BuildTarget } from "./targets.js";

/**
 * The build args an image's parent reference is passed under: always PARENT, the image's
 * `parent_arg:` when set, and the ARG its Dockerfile's first FROM takes its image from
 * (`ARG PARENT_IMAGE` / `FROM ${PARENT_IMAGE}`), so a Dockerfile written for another tool
 * builds unchanged. None when the image has no `from:`.
 */
export function parentArgNames(target: Pick<BuildTarget, "from" | "parentArg">, dockerfileText: string | undefined): string[] {
  if (target.from === undefined) return [];
  const detected = dockerfileText === undefined ? undefined : parentArgOf(dockerfileText);
  return [...new Set([PARENT_ARG, ...(target.parentArg === undefined ? [] : [target.parentArg]), ...(detected === undefined ? [] : [detected])])];
}

/** The build args of one build: the image's `args:`, then its parent under each of parentArgNames. */
export function buildArgsFor(
  target: Pick<BuildTarget, "from" | "parentArg" | "args">,
  dockerfileText: string | undefined,
  parentRef: string | undefined,
): Record<string, string> {
  const parent = parentRef === undefined ? [] : parentArgNames(target, dockerfileText).map((name) => [name, parentRef] as const);
  return { ...target.args, ...Object.fromEntries(parent) };
}

/** A FROM variable this image's builds leave empty, with what to do about it. */
export interface FromArgProblem {
  readonly line: number;
  readonly arg: string;
  readonly message: string;
  readonly fix: string;
}

export function fromArgProblems(target: Pick<BuildTarget, "name" | "from" | "parentArg" | "args">, dockerfileText: string): FromArgProblem[] {
  const set = new Set([...Object.keys(target.args), ...parentArgNames(target, dockerfileText)]);
  return unsetFromArgs(dockerfileText, set).map((unset) => ({
    line: unset.line,
    arg: unset.arg,
    message: `FROM ${unset.image} uses the build arg ${unset.arg}, which Slipway does not set for image ${target.name}`,
    fix: fixFor(target, unset.arg, unset.declared),
  }));
}

function fixFor(target: Pick<BuildTarget, "from" | "parentArg">, arg: string, declared: boolean): string {
  if (!declared) return `declare \`ARG ${arg}\` before the first FROM (an ARG after a FROM does not reach it), or give the FROM an image name`;
  if (target.from === undefined) {
    return `give the image \`from:\` in slipway.yml (its parent is passed as ${arg} when the first FROM is \`FROM \${${arg}}\`; \`parent_arg: ${arg}\` names it explicitly), set it under \`args:\`, or give the ARG a default (\`ARG ${arg}=busybox:1.36\`)`;
  }
  return `set \`parent_arg: ${arg}\` on the image to pass its parent under that name, set it under \`args:\`, or give the ARG a default`;
}
