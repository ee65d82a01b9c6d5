import { send, type RegistryContext } from "./context.js";
import { parseNextLink } from "./link-header.js";
import { failedError, notFoundError, registryMessage } from "./registry-errors.js";

export interface PageOptions {
  /** Entries per page (the `n` parameter); default: the registry's own page size. */
  readonly pageSize?: number;
}

export interface PagedList {
  /** The first page's URL, without `n`. */
  readonly url: string;
  readonly scope: string;
  readonly purpose: string;
  /** What is missing when the registry answers 404: "repository my-org/app". */
  readonly notFound: string;
  /** The entries of one page's body. */
  readonly read: (body: string) => string[];
}

const MAX_PAGES = 10_000;

/**
 * Every entry of a paged list (/tags/list, /_catalog), following `Link: <…>; rel="next"` from
 * page to page until there is none. A 404 is REGISTRY_NOT_FOUND.
 */
export async function readAllPages(context: RegistryContext, list: PagedList, options: PageOptions = {}): Promise<string[]> {
  const entries: string[] = [];
  const seen = new Set<string>();
  let url: string | undefined = withPageSize(list.url, options.pageSize);
  while (url !== undefined && !seen.has(url) && seen.size < MAX_PAGES) {
    seen.add(url);
    const response = await send(context, { method: "GET", url, scope: list.scope, purpose: list.purpose });
    const body = await response.text();
    if (response.status === 404) throw notFoundError(context.host, list.notFound, registryMessage(body));
    if (response.status !== 200) throw failedError(context.host, list.purpose, response.status, registryMessage(body));
    entries.push(...list.read(body));
    url = nextPage(context, response, url, list.purpose);
  }
  return entries;
}

function withPageSize(url: string, pageSize: number | undefined): string {
  if (pageSize === undefined) return url;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, not ${pageSize}`);
  return `${url}?n=${pageSize}`;
}

/** The next page's URL, which must stay on the registry (credentials go with it). */
function nextPage(context: RegistryContext, response: Response, url: string, purpose: string): string | undefined {
  const next = parseNextLink(response.headers.get("link"), response.url === "" ? url : response.url);
  if (next === undefined) return undefined;
  const origin = new URL(next).origin;
  if (origin !== new URL(context.baseUrl).origin) {
    throw failedError(context.host, purpose, response.status, `its next-page link points off the registry, to ${origin}`);
  }
  return next;
}

/** The strings of one array field of a JSON page (`tags`, `repositories`); null or junk is none. */
export function stringArrayField(body: string, field: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return [];
  }
  if (typeof json !== "object" || json === null || !(field in json)) return [];
  const value: unknown = Reflect.get(json, field);
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
}
