/**
 * Environment tags. Every build pushed for an environment (its pipeline, or `slipway build
 * --env NAME --push`) also tags each image it built or found up to date with the
 * environment's name: `my-org/app1-prod:prod` is prod's newest build of app1-prod. A tag of the
 * image's scheme cannot tell which branch it was built from, so once environments bind
 * branches, "the newest image" for an environment is the one its environment tag names.
 */
export function environmentTag(environment: string): string {
  return environment;
}

/** The part of slipway.yml that decides how an environment's newest image is found. */
export interface EnvironmentsConfig {
  readonly environments: Readonly<Record<string, { readonly branches?: readonly string[] | undefined }>>;
}

/**
 * How the newest image for `environment` is found: by its environment tag when the environment
 * is declared; that tag is `required` once any environment binds branches (builds then differ
 * by branch, so a tag of the image's scheme may be another environment's build). Without
 * branches the scheme's newest stands in until the environment has a tag of its own.
 * Undefined: by the tag scheme alone.
 */
export function environmentLookup(config: EnvironmentsConfig, environment: string | undefined): EnvironmentLookup | undefined {
  if (environment === undefined || config.environments[environment] === undefined) return undefined;
  const required = Object.values(config.environments).some((declared) => (declared.branches?.length ?? 0) > 0);
  return { environment, tag: environmentTag(environment), required };
}

export interface EnvironmentLookup {
  readonly environment: string;
  readonly tag: string;
  /** No fallback to the tag scheme's newest when the environment has no build yet. */
  readonly required: boolean;
}
