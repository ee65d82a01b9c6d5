import { apiName, apiUrl, repositoryScope, type RegistryContext } from "./context.js";
import { readAllPages, stringArrayField, type PageOptions } from "./pager.js";

export type ListTagsOptions = PageOptions;

/**
 * Every tag of a repository, in the registry's order, page after page. A repository the
 * registry does not know is REGISTRY_NOT_FOUND. (distribution 2.x ignores `n` here and sends
 * all tags at once; 3.x and most hosted registries page.)
 */
export async function listTags(context: RegistryContext, repository: string, options: ListTagsOptions = {}): Promise<string[]> {
  const name = apiName(context, repository);
  return readAllPages(
    context,
    {
      url: apiUrl(context, `${name}/tags/list`),
      scope: repositoryScope(name, "pull"),
      purpose: `list the tags of ${repository}`,
      notFound: `repository ${repository}`,
      read: (body) => stringArrayField(body, "tags"),
    },
    options,
  );
}

/** Every repository in the registry (GET /v2/_catalog), page after page. Docker Hub does not serve it. */
export async function listRepositories(context: RegistryContext, options: PageOptions = {}): Promise<string[]> {
  return readAllPages(
    context,
    {
      url: apiUrl(context, "_catalog"),
      scope: "registry:catalog:*",
      purpose: "list its repositories",
      notFound: "repository catalog (GET /v2/_catalog)",
      read: (body) => stringArrayField(body, "repositories"),
    },
    options,
  );
}
