/**
 * Which Dockerfile an image is built with for an environment. Teams name their variants by
 * environment (Dockerfile.test1) or by branch (Dockerfile.test.1, the branch test1 deploys):
 * both are accepted. Pure: the caller says which files exist.
 *
 * Order, first existing wins:
 *   1. <dockerfile>.<environment>
 *   2. <dockerfile>.<branch> for each branch the environment binds (environments.<env>.branches),
 *      the branch the image's source is read at first, then in the order slipway.yml lists
 *      them; a `/` in a branch name becomes `-` (release/1.0.1 -> Dockerfile.release-1.0.1)
 *   3. <dockerfile>
 */

/** The environment an image is built for, and the branches it binds. */
export interface DockerfileVariant {
  readonly env: string;
  readonly branches: readonly string[];
}

export interface DockerfileChoice {
  /** The Dockerfile to build with (the base one when no variant exists). */
  readonly dockerfile: string;
  /** Variants that exist but lose to `dockerfile`: what validate and plan warn about. */
  readonly shadowed: readonly string[];
}

/** release/1.0.1 -> release-1.0.1: the part of a Dockerfile name a branch gives. */
export function branchFileSuffix(branch: string): string {
  return branch.replace(/\//g, "-");
}

/** The variants to look for, in order of precedence (the base Dockerfile not included). */
export function variantCandidates(dockerfile: string, variant: DockerfileVariant, readBranch?: string): string[] {
  const branches = readBranch !== undefined && variant.branches.includes(readBranch) ? [readBranch, ...variant.branches] : variant.branches;
  const names = [variant.env, ...branches.map(branchFileSuffix)].map((suffix) => `${dockerfile}.${suffix}`);
  return [...new Set(names)];
}

/** The first candidate that exists, else the base Dockerfile; the other existing variants as shadowed. */
export async function chooseDockerfile(
  dockerfile: string,
  variant: DockerfileVariant | undefined,
  exists: (name: string) => Promise<boolean>,
  readBranch?: string,
): Promise<DockerfileChoice> {
  if (variant === undefined) return { dockerfile, shadowed: [] };
  const candidates = variantCandidates(dockerfile, variant, readBranch);
  const found = (await Promise.all(candidates.map(async (name) => ((await exists(name)) ? name : undefined)))).filter((name) => name !== undefined);
  const [chosen, ...shadowed] = found;
  return { dockerfile: chosen ?? dockerfile, shadowed };
}

/** The environment's variant as slipway.yml declares it (an undeclared environment binds no branches). */
export function variantFor(
  env: string | undefined,
  environments: Readonly<Record<string, { readonly branches?: readonly string[] | undefined }>>,
): DockerfileVariant | undefined {
  if (env === undefined) return undefined;
  return { env, branches: environments[env]?.branches ?? [] };
}
