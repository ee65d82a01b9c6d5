/**
 * The `rel="next"` target of a Link header (RFC 8288), resolved against the URL of the
 * response it came with. Registries page /tags/list and /_catalog this way:
 * `Link: </v2/app/tags/list?last=b&n=2>; rel="next"`.
 */
export function parseNextLink(header: string | null | undefined, responseUrl: string): string | undefined {
  if (header === null || header === undefined) return undefined;
  for (const link of splitLinks(header)) {
    const target = /^\s*<([^>]*)>/.exec(link);
    if (target === null) continue;
    const params = link.slice(target[0].length);
    if (!hasRel(params, "next")) continue;
    try {
      return new URL(target[1] ?? "", responseUrl).toString();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Splits at commas outside <…> and quotes. */
function splitLinks(header: string): string[] {
  const links: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < header.length; i += 1) {
    const char = header[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === "<") depth += 1;
    else if (!quoted && char === ">") depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && char === ",") {
      links.push(header.slice(start, i));
      start = i + 1;
    }
  }
  links.push(header.slice(start));
  return links;
}

function hasRel(params: string, rel: string): boolean {
  const match = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
  const value = match?.[1] ?? match?.[2];
  return value !== undefined && value.toLowerCase().split(/\s+/).includes(rel);
}
